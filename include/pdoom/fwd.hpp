#pragma once
// Forward declarations of pdoom's main types, for headers that only pass them around.

namespace pdoom {
struct SourceLocation;
class Error;
class Distribution;
class Expression;
struct DistributionCall;
class Program;
class Model;
struct Node;
struct Summary;
struct RunOptions;
struct RunResult;
}  // namespace pdoom
