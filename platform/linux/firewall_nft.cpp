#include "platform/linux/firewall_nft.hpp"

#include <cerrno>
#include <nftables/libnftables.h>
#include <sstream>
#include <system_error>

namespace tulle::platform::linux_impl {
namespace {

// The first line of nftables' explanation, without its trailing new line.
std::string first_line(const char* text) {
    std::string line = text == nullptr ? std::string() : std::string(text);
    line = line.substr(0, line.find('\n'));
    return line.empty() ? "nftables refused it" : line;
}

}  // namespace

FirewallNft::FirewallNft() : context_(nft_ctx_new(NFT_CTX_DEFAULT)) {
    if (context_ == nullptr) {
        throw std::system_error(ENOMEM, std::generic_category(), "nftables: no context");
    }
    nft_ctx_buffer_output(context_);
    nft_ctx_buffer_error(context_);
}

FirewallNft::~FirewallNft() {
    nft_ctx_free(context_);
}

std::string FirewallNft::run(const std::string& script, const std::string& what) {
    if (nft_run_cmd_from_buffer(context_, script.c_str()) != 0) {
        const std::string why = first_line(nft_ctx_get_error_buffer(context_));
        // nftables does not tell an errno; EPERM is the usual one (no CAP_NET_ADMIN).
        throw std::system_error(EPERM, std::generic_category(), what + ": " + why);
    }
    return nft_ctx_get_output_buffer(context_);
}

void FirewallNft::set_kill_switch(const KillSwitch& rules) {
    (void)run(kill_switch_script(rules), "kill switch of " + rules.interface);
}

void FirewallNft::remove_kill_switch(std::string_view interface) {
    const std::string table = "inet " + kill_switch_table(interface);
    // "add" first, so that removing a table that is not there is no error.
    (void)run("add table " + table + "\ndelete table " + table + "\n",
              "removing the kill switch of " + std::string(interface));
}

std::vector<std::string> FirewallNft::kill_switches() {
    std::istringstream lines(run("list tables inet", "listing the kill switches"));
    std::vector<std::string> out;
    for (std::string line; std::getline(lines, line);) {
        constexpr std::string_view kLead = "table inet ";
        if (line.starts_with(kLead)) {
            if (auto interface = kill_switch_interface(line.substr(kLead.size()));
                !interface.empty()) {
                out.push_back(std::move(interface));
            }
        }
    }
    return out;
}

}  // namespace tulle::platform::linux_impl
