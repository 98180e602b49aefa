// libFuzzer target for config loading (docs/fuzzing.md): YAML text -> merge with the embedded
// defaults -> `--set` edits -> decode -> flag overrides -> validate, i.e. runnel::config::load_yaml.
// The input is the YAML text up to the first NUL byte; every further NUL-separated piece is one
// `--set KEY=VALUE` assignment (at most 4), so the override path is fuzzed with the file.
// A config file is operator input, but it is parsed before anything else and a crash there is a
// bad way to report a typo: any input must load or throw config_error, nothing else. A config
// that loads must print (`--print-config`) to YAML that loads back to the same printout.
#include "fuzz_require.hpp"
#include "runnel/config/load.hpp"

#include <cstdint>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace runnel::config;
    std::string_view in(reinterpret_cast<const char*>(data), size);
    const auto nul = in.find('\0');
    const std::string_view yaml = in.substr(0, nul);
    overrides o;
    if (nul != std::string_view::npos) {
        std::string_view rest = in.substr(nul + 1);
        while (o.sets.size() < 4) {
            const auto end = rest.find('\0');
            o.sets.emplace_back(rest.substr(0, end));
            if (end == std::string_view::npos) break;
            rest.remove_prefix(end + 1);
        }
    }
    std::string printed;
    try {
        printed = to_yaml(load_yaml(yaml, o));
    } catch (const config_error& e) {
        REQUIRE(std::string_view(e.what()).size() > 0);
        return 0;
    }
    // Anything else thrown escapes to libFuzzer and counts as a finding.
    try {
        REQUIRE(to_yaml(load_yaml(printed, {})) == printed);
    } catch (const config_error& e) {
        std::fprintf(stderr, "printed config does not load: %s\n%s\n", e.what(), printed.c_str());
        std::abort();
    }
    return 0;
}
