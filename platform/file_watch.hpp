// Notices when a file is removed: how tulled learns that its UAPI socket was deleted (as
// wireguard-go does, it then shuts the interface down).
#pragma once

#include <memory>
#include <string>

namespace tulle::platform {

class FileWatch {
  public:
    virtual ~FileWatch() = default;
    FileWatch(const FileWatch&) = delete;
    FileWatch& operator=(const FileWatch&) = delete;

    // Readable when something happened to the file; then call gone().
    [[nodiscard]] virtual int fd() const = 0;
    // Reads the pending events; true once the file no longer exists at its path.
    [[nodiscard]] virtual bool gone() = 0;

  protected:
    FileWatch() = default;
};

// Watches `path`, which must exist. Throws std::system_error naming the path.
[[nodiscard]] std::unique_ptr<FileWatch> watch_file(const std::string& path);

}  // namespace tulle::platform
