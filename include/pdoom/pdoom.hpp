#pragma once
// Umbrella header: everything a user of the pdoom library needs.

#include "pdoom/error.hpp"
#include "pdoom/random/stream.hpp"
#include "pdoom/dist/distribution.hpp"
#include "pdoom/expr/expression.hpp"
