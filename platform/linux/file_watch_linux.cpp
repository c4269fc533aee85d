#include <array>
#include <cerrno>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

#include "platform/file_watch.hpp"
#include "value/unique_fd.hpp"

namespace tulle::platform {
namespace {

class InotifyWatch final : public FileWatch {
  public:
    explicit InotifyWatch(std::string path)
        : path_(std::move(path)), fd_(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) {
        if (!fd_.valid()) {
            throw std::system_error(errno, std::generic_category(), "watch " + path_);
        }
        // Unlinking changes the link count, which inotify reports as IN_ATTRIB.
        if (::inotify_add_watch(fd_.get(), path_.c_str(), IN_ATTRIB | IN_DELETE_SELF) < 0) {
            throw std::system_error(errno, std::generic_category(), "watch " + path_);
        }
    }

    [[nodiscard]] int fd() const override { return fd_.get(); }

    [[nodiscard]] bool gone() override {
        alignas(inotify_event) std::array<char, 4096> events{};
        while (::read(fd_.get(), events.data(), events.size()) > 0) {
        }
        struct stat info {};
        return ::lstat(path_.c_str(), &info) != 0 && errno == ENOENT;
    }

  private:
    std::string path_;
    value::UniqueFd fd_;
};

}  // namespace

std::unique_ptr<FileWatch> watch_file(const std::string& path) {
    return std::make_unique<InotifyWatch>(path);
}

}  // namespace tulle::platform
