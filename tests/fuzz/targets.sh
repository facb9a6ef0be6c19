# Sourced by run-fuzz.sh and run-smoke.sh: the targets and their libFuzzer flags.
fuzz_all_targets="envelope handshake token_reply url envfile receive jscan_diff"

# fuzz_options TARGET TESTS_FUZZ_DIR
fuzz_options() {
    case $1 in
    envelope | jscan_diff) echo "-max_len=4096 -dict=$2/dict/json.dict" ;;
    token_reply) echo "-max_len=2048 -dict=$2/dict/json.dict" ;;
    handshake) echo "-max_len=20480 -dict=$2/dict/http.dict" ;;
    url) echo "-max_len=1400 -dict=$2/dict/url.dict" ;;
    envfile) echo "-max_len=1024 -dict=$2/dict/envfile.dict" ;;
    receive) echo "-max_len=8192 -dict=$2/dict/receive.dict" ;;
    esac
}
