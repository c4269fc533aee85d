// How much memory the process holds, and giving back to the system what it freed: how tulled
// returns the buffers of clients that went (a C library may keep freed memory for reuse).
#pragma once

#include <cstddef>
#include <optional>

namespace tulle::platform {

struct MemoryUse {
    std::size_t resident = 0;   // bytes of RAM the process occupies (RSS)
    std::size_t allocated = 0;  // bytes handed out by malloc and not yet freed
};

// nullopt where the system cannot tell.
[[nodiscard]] std::optional<MemoryUse> memory_use();

// Hands memory the allocator keeps after free() back to the system (glibc: malloc_trim).
// Costs a walk over the heap: call it after much was freed, not after every free.
void return_free_memory();

}  // namespace tulle::platform
