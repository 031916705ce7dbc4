//===- CostModel.cpp - Per-target schedule cost models --------------------===//

#include "kiln/CostModel/CostModel.h"

kiln::CostModel::~CostModel() = default;
