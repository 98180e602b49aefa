#pragma once
/// REQUIRE(expr) for the fuzz targets: a failed property check names itself on stderr and
/// aborts, so a finding says which property broke (an ASan/UBSan report says the rest).
#include <cstdio>
#include <cstdlib>

#define REQUIRE(expr)                                                                              \
    do {                                                                                           \
        if (!(expr)) {                                                                             \
            std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #expr);          \
            std::abort();                                                                          \
        }                                                                                          \
    } while (false)
