#include <pdoom/pdoom.hpp>

double second_unit_mean() { return pdoom::mean(pdoom::beta(2, 6)); }
