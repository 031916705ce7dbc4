/* Calls the typed helpers of the header kilnc --emit=lib writes, linked
 * directly against the model library (no runtime). */
#include "small.h"

#include <stdio.h>

int main(void) {
  float a[6], x[6], y[6], r[6];
  for (int i = 0; i < 6; ++i) {
    a[i] = (float)i;
    x[i] = 2.0f;
    y[i] = 0.5f;
  }
  kiln_run_axpy(a, x, y, r);
  for (int i = 0; i < 6; ++i)
    printf("%g ", r[i]);
  printf("\n");
  int32_t v[4] = {1, -2, 3, 40}, twice[4], same[4];
  kiln_run_twice(v, twice, same);
  for (int i = 0; i < 4; ++i)
    printf("%d/%d ", twice[i], same[i]);
  printf("\n");
  return 0;
}
