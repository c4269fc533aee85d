#include "daemon/config_file.hpp"

#include <array>
#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

#include <climits>
#include <sodium.h>

#include "value/unique_fd.hpp"

namespace tulle::daemon {
namespace {

value::Unexpected<std::string> failure(const std::string& path, int error) {
    return value::fail(path + ": " + std::generic_category().message(error));
}

// Why someone other than root may change the folder `info` describes; empty if nobody can. A
// sticky folder (/tmp) is fine: others may add names to it but not rename or remove root's.
std::string folder_problem(const struct stat& info) {
    if (info.st_uid != 0) {
        return "owned by uid " + std::to_string(info.st_uid);
    }
    const bool group_writes = (info.st_mode & S_IWGRP) != 0 && info.st_gid != 0;
    const bool world_writes = (info.st_mode & S_IWOTH) != 0;
    if ((group_writes || world_writes) && (info.st_mode & S_ISVTX) == 0) {
        return group_writes ? "writable by group " + std::to_string(info.st_gid)
                            : "writable by everyone";
    }
    return {};
}

struct Folder {
    value::UniqueFd fd;
    std::string unsafe;  // the first unsafe folder on the way and why; empty if none
};

// Opens the folder that holds `path`, walking from / one component at a time without following
// links (the folder part is resolved first, so /var/run and the like work), and notes the first
// folder on the way that someone other than root may change.
value::Result<Folder> open_folder(const std::string& path) {
    const auto slash = path.rfind('/');
    const std::string parent =
        slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
    std::array<char, PATH_MAX> resolved{};
    if (::realpath(parent.c_str(), resolved.data()) == nullptr) {
        return failure(parent, errno);
    }
    const std::string canonical(resolved.data());
    Folder folder{value::UniqueFd(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)), {}};
    std::string walked;
    std::size_t start = 1;
    while (true) {
        struct stat info {};
        if (!folder.fd.valid() || ::fstat(folder.fd.get(), &info) != 0) {
            return failure(walked.empty() ? "/" : walked, errno);
        }
        if (const auto problem = folder_problem(info); !problem.empty() && folder.unsafe.empty()) {
            folder.unsafe = (walked.empty() ? "/" : walked) + " (" + problem + ")";
        }
        if (start >= canonical.size()) {
            return folder;
        }
        auto end = canonical.find('/', start);
        end = end == std::string::npos ? canonical.size() : end;
        const std::string part = canonical.substr(start, end - start);
        walked += "/" + part;
        folder.fd = value::UniqueFd(
            ::openat(folder.fd.get(), part.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        start = end + 1;
    }
}

}  // namespace

value::Result<ConfigFile> read_config_file(const std::string& path) {
    auto folder = open_folder(path);
    if (!folder) {
        return value::fail(folder.error());
    }
    const auto slash = path.rfind('/');
    const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
    const value::UniqueFd fd(::openat(folder->fd.get(), name.c_str(),
                                      O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
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
    file.unsafe_folder = std::move(folder->unsafe);
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
    if (!file.unsafe_folder.empty()) {
        return value::fail("others may change the folder " + file.unsafe_folder +
                           " and so swap the file");
    }
    return {};
}

namespace {

// Writes all of `text` to `fd`; the errno of the failure, or 0.
int write_all(int fd, const std::string& text) {
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return n < 0 ? errno : EIO;
        }
        done += static_cast<std::size_t>(n);
    }
    return 0;
}

std::string reason(int error) {
    return std::generic_category().message(error);
}

}  // namespace

value::Result<void> write_private_file(const std::string& path, const std::string& text) {
    const std::string temporary = path + ".tmp";
    value::UniqueFd fd(
        ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!fd.valid()) {
        return value::fail("create " + temporary + ": " + reason(errno));
    }
    std::string failed;
    if (const int e = write_all(fd.get(), text); e != 0) {
        failed = "write " + temporary + ": " + reason(e);
    } else if (::fchmod(fd.get(), 0600) != 0 || ::fsync(fd.get()) != 0) {
        failed = "sync " + temporary + ": " + reason(errno);
    }
    fd.reset();
    if (failed.empty() && ::rename(temporary.c_str(), path.c_str()) != 0) {
        failed = "rename to " + path + ": " + reason(errno);
    }
    if (!failed.empty()) {
        ::unlink(temporary.c_str());
        return value::fail(failed);
    }
    return {};
}

}  // namespace tulle::daemon
