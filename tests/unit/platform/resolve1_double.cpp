// A test double of systemd-resolved's D-Bus API: takes the name org.freedesktop.resolve1 on the
// bus at ADDRESS, answers the link methods of org.freedesktop.resolve1.Manager that tulled calls,
// and writes each call as one line to LOG:
//   SetLinkDNS 7 10.0.0.53 fd00::53
//   SetLinkDomains 7 example.com:search ~.:route
//   SetLinkDefaultRoute 7 true
//   RevertLink 7
// `--refuse METHOD` answers that method with an error instead (and logs it all the same).
// Prints "ready" once the name is its own. Runs until killed.
//
//   resolve1_double ADDRESS LOG [--refuse METHOD]
#include <arpa/inet.h>
#include <array>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <sys/socket.h>
#include <systemd/sd-bus.h>

namespace {

struct Double {
    std::ofstream log;
    std::string refuse;
};

int answer(sd_bus_message* call, Double& self, const std::string& line, sd_bus_error* error) {
    self.log << line << std::endl;  // flushed: the test reads it while we run
    const std::string method = sd_bus_message_get_member(call);
    if (method == self.refuse) {
        return sd_bus_error_set(error, "org.freedesktop.resolve1.TestRefusal",
                                ("refused " + method + " as told").c_str());
    }
    return sd_bus_reply_method_return(call, "");
}

int set_link_dns(sd_bus_message* call, void* data, sd_bus_error* error) {
    auto& self = *static_cast<Double*>(data);
    std::int32_t index = 0;
    int r = sd_bus_message_read(call, "i", &index);
    std::string line = "SetLinkDNS " + std::to_string(index);
    r = r < 0 ? r : sd_bus_message_enter_container(call, 'a', "(iay)");
    while (r >= 0 && (r = sd_bus_message_enter_container(call, 'r', "iay")) > 0) {
        std::int32_t family = 0;
        const void* bytes = nullptr;
        std::size_t size = 0;
        r = sd_bus_message_read(call, "i", &family);
        r = r < 0 ? r : sd_bus_message_read_array(call, 'y', &bytes, &size);
        std::array<char, INET6_ADDRSTRLEN> text{};
        const bool fits = (family == AF_INET && size == 4) || (family == AF_INET6 && size == 16);
        line += " ";
        line += fits && inet_ntop(family, bytes, text.data(), text.size()) != nullptr
                    ? text.data()
                    : "(bad address)";
        r = r < 0 ? r : sd_bus_message_exit_container(call);
    }
    r = r < 0 ? r : sd_bus_message_exit_container(call);
    if (r < 0) {
        return r;
    }
    return answer(call, self, line, error);
}

int set_link_domains(sd_bus_message* call, void* data, sd_bus_error* error) {
    auto& self = *static_cast<Double*>(data);
    std::int32_t index = 0;
    int r = sd_bus_message_read(call, "i", &index);
    std::string line = "SetLinkDomains " + std::to_string(index);
    r = r < 0 ? r : sd_bus_message_enter_container(call, 'a', "(sb)");
    const char* name = nullptr;
    int route_only = 0;
    while (r >= 0 && (r = sd_bus_message_read(call, "(sb)", &name, &route_only)) > 0) {
        line += " " + std::string(name) + (route_only != 0 ? ":route" : ":search");
    }
    r = r < 0 ? r : sd_bus_message_exit_container(call);
    if (r < 0) {
        return r;
    }
    return answer(call, self, line, error);
}

int set_link_default_route(sd_bus_message* call, void* data, sd_bus_error* error) {
    auto& self = *static_cast<Double*>(data);
    std::int32_t index = 0;
    int on = 0;
    if (const int r = sd_bus_message_read(call, "ib", &index, &on); r < 0) {
        return r;
    }
    return answer(call, self,
                  "SetLinkDefaultRoute " + std::to_string(index) + (on != 0 ? " true" : " false"),
                  error);
}

int revert_link(sd_bus_message* call, void* data, sd_bus_error* error) {
    auto& self = *static_cast<Double*>(data);
    std::int32_t index = 0;
    if (const int r = sd_bus_message_read(call, "i", &index); r < 0) {
        return r;
    }
    return answer(call, self, "RevertLink " + std::to_string(index), error);
}

// NOLINTBEGIN(cppcoreguidelines-avoid-c-arrays,modernize-avoid-c-arrays): sd-bus's macros
const sd_bus_vtable kManager[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_METHOD("SetLinkDNS", "ia(iay)", "", set_link_dns, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("SetLinkDomains", "ia(sb)", "", set_link_domains, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("SetLinkDefaultRoute", "ib", "", set_link_default_route,
                  SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("RevertLink", "i", "", revert_link, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_VTABLE_END};
// NOLINTEND(cppcoreguidelines-avoid-c-arrays,modernize-avoid-c-arrays)

int fail(const char* what, int r) {
    std::cerr << "resolve1_double: " << what << ": " << -r << '\n';
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3 && !(argc == 5 && std::string(argv[3]) == "--refuse")) {
        std::cerr << "usage: resolve1_double ADDRESS LOG [--refuse METHOD]\n";
        return 2;
    }
    Double self;
    self.log.open(argv[2], std::ios::app);
    if (argc == 5) {
        self.refuse = argv[4];
    }
    sd_bus* bus = nullptr;
    int r = sd_bus_new(&bus);
    r = r < 0 ? r : sd_bus_set_address(bus, argv[1]);
    r = r < 0 ? r : sd_bus_set_bus_client(bus, 1);
    r = r < 0 ? r : sd_bus_start(bus);
    if (r < 0) {
        return fail("connect", r);
    }
    r = sd_bus_add_object_vtable(bus, nullptr, "/org/freedesktop/resolve1",
                                 "org.freedesktop.resolve1.Manager", kManager, &self);
    if (r < 0) {
        return fail("add object", r);
    }
    r = sd_bus_request_name(bus, "org.freedesktop.resolve1", 0);
    if (r < 0) {
        return fail("request name", r);
    }
    std::cout << "ready" << std::endl;
    for (;;) {
        r = sd_bus_process(bus, nullptr);
        if (r < 0) {
            return fail("process", r);
        }
        if (r == 0 && (r = sd_bus_wait(bus, UINT64_MAX)) < 0) {
            return fail("wait", r);
        }
    }
}
