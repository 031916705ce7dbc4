/* Loads a kilnc --emit=lib library through the runtime C API, prints the
 * signature of FUNCTION, runs it on deterministic inputs and prints the
 * outputs; CASE breaks one thing on purpose to show the error path.
 *
 *   run_model LIB FUNCTION [ok|dtype|rank|shape|count|null-data|null-shape]
 */
#include "kiln/Runtime/kiln_runtime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int report(kiln_status s) {
  printf("status %s: %s\n", kiln_status_name(s), kiln_last_error());
  return s == KILN_OK ? 0 : 2;
}

static void printType(const kiln_tensor *t) {
  for (int32_t d = 0; d < t->rank; ++d)
    printf("%lldx", (long long)t->shape[d]);
  printf("%s", kiln_dtype_name(t->dtype));
}

static size_t numElements(const kiln_tensor *t) {
  size_t n = 1;
  for (int32_t d = 0; d < t->rank; ++d)
    n *= (size_t)t->shape[d];
  return n;
}

static void fill(kiln_tensor *t) {
  size_t n = numElements(t);
  t->data = calloc(n ? n : 1, kiln_dtype_size(t->dtype));
  for (size_t i = 0; i < n; ++i) {
    if (t->dtype == KILN_DTYPE_F32)
      ((float *)t->data)[i] = (float)i * 0.5f;
    else if (t->dtype == KILN_DTYPE_I32)
      ((int32_t *)t->data)[i] = (int32_t)i - 1;
    else if (t->dtype == KILN_DTYPE_I64)
      ((int64_t *)t->data)[i] = 1;
  }
}

static void print(const kiln_tensor *t) {
  size_t n = numElements(t);
  for (size_t i = 0; i < n && i < 8; ++i) {
    if (t->dtype == KILN_DTYPE_F32)
      printf(" %g", ((float *)t->data)[i]);
    else if (t->dtype == KILN_DTYPE_I32)
      printf(" %d", ((int32_t *)t->data)[i]);
    else if (t->dtype == KILN_DTYPE_I64)
      printf(" %lld", (long long)((int64_t *)t->data)[i]);
  }
  printf("%s\n", n > 8 ? " ..." : "");
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: run_model LIB FUNCTION [CASE]\n");
    return 1;
  }
  const char *which = argc > 3 ? argv[3] : "ok";
  kiln_module *module = NULL;
  kiln_status s = kiln_module_load(argv[1], &module);
  if (s != KILN_OK)
    return report(s);
  printf("functions:");
  for (size_t i = 0; i < kiln_module_num_functions(module); ++i)
    printf(" %s", kiln_module_function_name(module, i));
  printf("\n");

  const kiln_function *fn = NULL;
  s = kiln_module_get_function(module, argv[2], &fn);
  if (s != KILN_OK) {
    kiln_module_free(module);
    return report(s);
  }
  size_t numIn = kiln_function_num_inputs(fn), numOut = kiln_function_num_outputs(fn);
  kiln_tensor in[8], out[8];
  int64_t badShape[8];
  for (size_t i = 0; i < numIn; ++i) {
    kiln_function_input(fn, i, &in[i]);
    printf("input %zu: ", i);
    printType(&in[i]);
    printf("\n");
    fill(&in[i]);
  }
  for (size_t i = 0; i < numOut; ++i) {
    kiln_function_output(fn, i, &out[i]);
    printf("output %zu: ", i);
    printType(&out[i]);
    printf("\n");
    fill(&out[i]);
  }
  size_t passIn = numIn;
  void *saved = in[0].data;
  if (!strcmp(which, "dtype")) {
    in[0].dtype = in[0].dtype == KILN_DTYPE_F32 ? KILN_DTYPE_F16 : KILN_DTYPE_F32;
  } else if (!strcmp(which, "rank")) {
    in[0].rank -= 1;
  } else if (!strcmp(which, "shape")) {
    memcpy(badShape, in[0].shape, sizeof(int64_t) * (size_t)in[0].rank);
    badShape[0] += 1;
    in[0].shape = badShape;
  } else if (!strcmp(which, "count")) {
    passIn = numIn - 1;
  } else if (!strcmp(which, "null-data")) {
    in[0].data = NULL;
  } else if (!strcmp(which, "null-shape")) {
    in[0].shape = NULL;
  }
  if (!strcmp(which, "bad-index")) {
    kiln_tensor t;
    s = kiln_function_input(fn, numIn, &t);
  } else {
    s = kiln_function_call(fn, in, passIn, out, numOut);
  }
  in[0].data = saved;
  if (s == KILN_OK)
    for (size_t i = 0; i < numOut; ++i) {
      printf("output %zu =", i);
      print(&out[i]);
    }
  for (size_t i = 0; i < numIn; ++i)
    free(in[i].data);
  for (size_t i = 0; i < numOut; ++i)
    free(out[i].data);
  kiln_module_free(module);
  return report(s);
}
