# Sourced by tests/cli/test_incident.sh and tests/bench/bench_incident.sh.
# incident_shape SHAPE DIR: what gen_incident wrote for SHAPE in DIR, in
# import order, in INCIDENT_FILES (paths without spaces), and the truth
# columns of its coarse sources for incident_score.sh in INCIDENT_COARSE.
incident_shape() {
    case $1 in
    iis7)
        INCIDENT_FILES="$2/etw.xml $2/freb $2/u_ex24030510.log $2/capture.pcap"
        INCIDENT_COARSE=3
        ;;
    iis6-lp)
        INCIDENT_FILES="$2/etw-logparser.xml $2/capture.pcap"
        INCIDENT_COARSE=1
        ;;
    iis6-tr)
        INCIDENT_FILES="$2/etw-tracerpt.xml $2/capture.pcap"
        INCIDENT_COARSE=
        ;;
    esac
}
