#include "conditional_call.hpp"

#include <utility>

namespace pdoom::sample_detail {

std::shared_ptr<const CompiledCall> compile_call(const DistributionCall& call, const Program::SlotLookup& slot_of,
                                                 std::size_t& value_slots) {
  auto compiled = std::make_shared<CompiledCall>();
  compiled->constructor = call.constructor;
  for (const auto& argument : call.arguments) {
    CompiledArgument out;
    if (argument.call) {
      out.call = compile_call(*argument.call, slot_of, value_slots);
    } else if (argument.expression) {
      Program program = Program::compile(*argument.expression, slot_of);
      if (program.is_constant()) {
        out.constant = program.constant_value();
      } else {
        out.program = std::move(program);
        out.value_slot = value_slots++;
      }
    }
    compiled->arguments.push_back(std::move(out));
  }
  return compiled;
}

void evaluate_arguments(const CompiledCall& call, std::span<const double* const> slots, std::size_t n,
                        std::vector<std::vector<double>>& columns, ProgramWorkspace& workspace) {
  for (const auto& argument : call.arguments) {
    if (argument.call) {
      evaluate_arguments(*argument.call, slots, n, columns, workspace);
    } else if (argument.program) {
      auto& column = columns[argument.value_slot];
      column.resize(n);
      argument.program->evaluate(slots, n, column.data(), workspace);
    }
  }
}

Distribution build_distribution(const CompiledCall& call, std::span<const double> values) {
  std::vector<DistributionArgument> arguments;
  arguments.reserve(call.arguments.size());
  for (const auto& argument : call.arguments) {
    if (argument.call) {
      arguments.emplace_back(build_distribution(*argument.call, values));
    } else if (argument.program) {
      arguments.emplace_back(values[argument.value_slot]);
    } else {
      arguments.emplace_back(argument.constant);
    }
  }
  return make_distribution(call.constructor, arguments);
}

}  // namespace pdoom::sample_detail
