// rmq-sim entry point (placeholder until the simulator lands).
#include <cstdio>

int main() {
    std::fprintf(stderr, "rmq-sim: not built yet\n");
    return 2;
}
