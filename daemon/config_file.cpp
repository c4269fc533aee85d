#include "daemon/config_file.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

#include <sodium.h>

#include "value/unique_fd.hpp"

namespace tulle::daemon {
namespace {

value::Unexpected<std::string> failure(const std::string& path, int error) {
    return value::fail(path + ": " + std::generic_category().message(error));
}

}  // namespace

value::Result<ConfigFile> read_config_file(const std::string& path) {
    const value::UniqueFd fd(
        ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
    if (!fd.valid()) {
        return errno == ELOOP ? value::fail(path + ": a symbolic link is not read")
                              : failure(path, errno);
    }
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0) {
        return failure(path, errno);
    }
    if (!S_ISREG(info.st_mode)) {
        return value::fail(path + ": not a regular file");
    }
    if (static_cast<std::size_t>(info.st_size) > kMaxConfigFileSize) {
        return value::fail(path + ": larger than 1 MiB");
    }
    ConfigFile file;
    file.owned_by_root = info.st_uid == 0;
    file.writable_by_others = (info.st_mode & (S_IWGRP | S_IWOTH)) != 0;
    file.private_to_owner = (info.st_mode & 077) == 0;
    file.text.resize(kMaxConfigFileSize + 1);
    std::size_t done = 0;
    while (done < file.text.size()) {
        const ssize_t n = ::read(fd.get(), file.text.data() + done, file.text.size() - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            const int saved = errno;
            sodium_memzero(file.text.data(), done);
            return failure(path, saved);
        }
        if (n == 0) {
            break;
        }
        done += static_cast<std::size_t>(n);
    }
    if (done > kMaxConfigFileSize) {
        sodium_memzero(file.text.data(), done);
        return value::fail(path + ": larger than 1 MiB");
    }
    file.text.resize(done);
    return file;
}

value::Result<void> hooks_allowed(const ConfigFile& file) {
    if (!file.owned_by_root) {
        return value::fail("the file is not owned by root");
    }
    if (file.writable_by_others) {
        return value::fail("others may write the file");
    }
    return {};
}

}  // namespace tulle::daemon
