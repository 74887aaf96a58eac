// The system's OpenBLAS CBLAS interface (Debian: libopenblas-dev puts cblas.h on the include path).
#include <cblas.h>
// Declared by OpenBLAS but not by every cblas.h: training sizes its own thread pool.
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
