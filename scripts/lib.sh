# Shared by the scripts: run a command as root (directly when root, else through sudo when it
# exists), with a clear message otherwise. Source it: . "$(dirname "$0")/lib.sh"

# as_root CMD...: runs CMD as root or fails naming what to do.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        echo "$(basename "$0"): '$*' needs root: run this script as root, or install sudo and allow your user to use it" >&2
        return 1
    fi
}
