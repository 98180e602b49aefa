#pragma once
/// The assertion ladder. RUNNEL_ASSERT is a debug-only invariant; RUNNEL_CHECK is always on and
/// aborts with a message. Never assert on anything a peer can send: that is an errc value.
#include <cstdio>
#include <cstdlib>

namespace runnel::detail {
[[noreturn]] inline void check_failed(const char* expr, const char* msg, const char* file, int line) {
    std::fprintf(stderr, "runnel: check failed: %s (%s) at %s:%d\n", expr, msg, file, line);
    std::abort();
}
} // namespace runnel::detail

#define RUNNEL_CHECK(expr, msg)                                                                    \
    do {                                                                                           \
        if (!(expr)) ::runnel::detail::check_failed(#expr, msg, __FILE__, __LINE__);               \
    } while (false)

#ifdef NDEBUG
#define RUNNEL_ASSERT(expr) ((void)0)
#else
#define RUNNEL_ASSERT(expr) RUNNEL_CHECK(expr, "assertion")
#endif
