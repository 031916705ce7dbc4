/* Calls a kilnc --target=gpu --emit=lib library through its generated header
 * (libsmall.h): host arrays in, the kiln_gpu_status out. */
#include "libsmall.h"
#include "kiln/Runtime/kiln_gpu_runtime.h"

#include <stdio.h>

int main(void) {
  float a[6] = {1, 2, 3, 4, 5, 6}, x[6] = {1, 1, 1, 1, 1, 1},
        y[6] = {0, 0, 0, 0, 0, 1}, out[6] = {0};
  kiln_gpu_set_error_printing(0);
  int32_t status = kiln_run_axpy(a, x, y, out);
  if (status != 0) {
    const char *why = kiln_gpu_error();
    printf("kiln_run_axpy: status %d (%s): %s\n", (int)status,
           kiln_gpu_status_name((kiln_gpu_status)status), why ? why : "");
    return 1;
  }
  for (int i = 0; i < 6; ++i)
    printf("%g%s", out[i], i == 5 ? "\n" : " ");
  return 0;
}
