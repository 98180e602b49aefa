#!/usr/bin/env python3
"""Writes the seed corpus for mqtt_decoder_fuzz: one valid packet (or short stream) per file,
taken from the golden tests in tests/unit/codec/mqtt. Re-run after changing the list:
    python3 tests/fuzz/make_mqtt_corpus.py
"""
import pathlib

SEEDS = {
    "v311_connect_will_user_pass": "10 1C 00 04 4D 51 54 54 04 EE 00 3C 00 02 63 31 00 01 77"
                                   " 00 03 62 79 65 00 01 75 00 01 70",
    "v31_connect_mqisdp": "10 0F 00 06 4D 51 49 73 64 70 03 02 00 0A 00 01 63",
    "v5_connect_props_will_props": "10 47 00 04 4D 51 54 54 05 C6 00 1E 0F 11 00 00 0E 10 21 00"
                                   " 14 26 00 01 6B 00 01 76 00 03 63 69 64 15 01 01 03 00 04 74"
                                   " 65 78 74 18 00 00 00 05 26 00 01 61 00 01 62 00 03 77 2F 74"
                                   " 00 04 67 6F 6E 65 00 01 75 00 02 00 01",
    "v5_connack_caps": "20 21 00 00 1E 12 00 06 61 75 74 6F 2D 31 13 00 3C 22 00 0A 24 01 25 00"
                       " 27 00 00 04 00 28 01 29 00 2A 01",
    "v311_publish_qos2_dup": "3C 06 00 01 74 12 34 78",
    "v5_publish_props": "32 29 00 03 73 2F 31 00 02 1F 01 01 02 00 00 00 3C 08 00 01 72 09 00 02"
                        " 01 02 0B 01 0B C8 01 23 00 03 26 00 01 78 00 01 79 6F 6B",
    "v5_pubrec_reason_string": "50 09 00 05 80 05 1F 00 02 6E 6F",
    "v311_subscribe": "82 0C 00 0A 00 03 61 2F 2B 01 00 01 23 02",
    "v5_subscribe_options": "82 1F 00 01 09 0B 07 26 00 01 6B 00 01 76 00 03 61 2F 23 2D 00 0A"
                            " 24 73 68 61 72 65 2F 67 2F 78 10",
    "v5_suback": "90 0A 00 01 05 1F 00 02 6F 6B 01 A2",
    "v5_unsubscribe": "A2 0F 00 02 07 26 00 01 6B 00 01 76 00 03 61 2F 23",
    "v5_unsuback": "B0 05 00 02 00 00 11",
    "v5_disconnect_props": "E0 13 8B 11 11 00 00 00 00 1C 00 03 73 72 76 1F 00 03 62 79 65",
    "v5_auth": "F0 0F 18 0D 15 00 05 53 43 52 41 4D 16 00 02 01 02",
    # A v5 CONNECT followed by packets that only decode once the version has switched.
    "v5_session_stream": "10 0D 00 04 4D 51 54 54 05 02 00 00 00 00 00 F0 00 40 03 00 01 10"
                         " C0 00 E0 01 04",
}


def main() -> None:
    out = pathlib.Path(__file__).resolve().parent / "corpus" / "mqtt"
    out.mkdir(parents=True, exist_ok=True)
    for name, text in SEEDS.items():
        (out / name).write_bytes(bytes.fromhex(text))
    print(f"wrote {len(SEEDS)} seeds to {out}")


if __name__ == "__main__":
    main()
