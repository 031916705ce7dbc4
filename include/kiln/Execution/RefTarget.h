//===- RefTarget.h - The reference interpreter as a target ------*- C++ -*-===//

#ifndef KILN_EXECUTION_REFTARGET_H
#define KILN_EXECUTION_REFTARGET_H

#include "kiln/Execution/ExecutionTarget.h"

namespace kiln {
/// `--target=ref`: runs the function in the reference interpreter.
std::unique_ptr<ExecutionTarget> createRefTarget();
} // namespace kiln

#endif // KILN_EXECUTION_REFTARGET_H
