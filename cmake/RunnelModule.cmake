# runnel_add_module(NAME SOURCES ... DEPENDS ...)
# One static library per module, target runnel_<name> with alias runnel::<name>. Its links are its
# allowed includes (docs/architecture.md has the table), so a new edge is a visible design change.
set(RUNNEL_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wno-missing-field-initializers)

function(runnel_add_module name)
  cmake_parse_arguments(M "" "" "SOURCES;DEPENDS" ${ARGN})
  string(REPLACE "/" "_" target_name "${name}")
  add_library(runnel_${target_name} STATIC ${M_SOURCES})
  add_library(runnel::${target_name} ALIAS runnel_${target_name})
  target_include_directories(runnel_${target_name} PUBLIC ${PROJECT_SOURCE_DIR}/include)
  target_compile_options(runnel_${target_name} PRIVATE ${RUNNEL_WARNINGS})
  target_link_libraries(runnel_${target_name} PUBLIC ${M_DEPENDS})
  runnel_apply_sanitizers(runnel_${target_name})
endfunction()

function(runnel_apply_sanitizers target)
  if(RUNNEL_SANITIZE)
    target_compile_options(${target} PUBLIC -fsanitize=address,undefined -fno-omit-frame-pointer)
    target_link_options(${target} PUBLIC -fsanitize=address,undefined)
  endif()
endfunction()

# runnel_add_test(MODULE SOURCES ... DEPENDS ...): one gtest binary per module, cases found by ctest.
function(runnel_add_unit_test name)
  cmake_parse_arguments(T "" "" "SOURCES;DEPENDS" ${ARGN})
  string(REPLACE "/" "_" target_name "${name}")
  add_executable(unit_${target_name} ${T_SOURCES})
  target_compile_options(unit_${target_name} PRIVATE ${RUNNEL_WARNINGS})
  target_link_libraries(unit_${target_name} PRIVATE ${T_DEPENDS} GTest::gtest GTest::gmock GTest::gtest_main)
  runnel_apply_sanitizers(unit_${target_name})
  gtest_discover_tests(unit_${target_name} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS unit)
endfunction()

# runnel_use_pch(TARGET asio|beast): precompile the heavy Asio (and Beast) headers for a target
# whose sources include them; cuts those targets' build time roughly in half on 2 cores.
option(RUNNEL_PCH "Precompile Asio/Beast headers" ON)
function(runnel_use_pch target kind)
  if(RUNNEL_PCH)
    target_precompile_headers(${target} PRIVATE ${PROJECT_SOURCE_DIR}/cmake/pch/${kind}.hpp)
  endif()
endfunction()
