#include <fstream>
#include <malloc.h>
#include <unistd.h>

#include "platform/memory.hpp"

namespace tulle::platform {

std::optional<MemoryUse> memory_use() {
    std::ifstream statm("/proc/self/statm");
    std::size_t pages = 0;
    std::size_t resident_pages = 0;
    if (!(statm >> pages >> resident_pages)) {
        return std::nullopt;
    }
    MemoryUse use;
    use.resident = resident_pages * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33)
    const struct mallinfo2 info = ::mallinfo2();
    use.allocated = info.uordblks + info.hblkhd;
#endif
    return use;
}

void return_free_memory() {
#if defined(__GLIBC__)
    ::malloc_trim(0);
#endif
}

}  // namespace tulle::platform
