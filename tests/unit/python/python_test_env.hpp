#pragma once
// Starts the process's one Python interpreter for a test binary.

#include <gtest/gtest.h>

#include <memory>

#include "python/python_runtime.hpp"

namespace tributary::python::testing {

/// Owns the PythonRuntime for the whole test program (set up and torn down on
/// the main thread, as PythonRuntime requires).
class PythonEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    auto runtime = PythonRuntime::Start();
    ASSERT_TRUE(runtime) << runtime.Error();
    runtime_ = std::move(*runtime);
  }
  void TearDown() override { runtime_.reset(); }

 private:
  std::unique_ptr<PythonRuntime> runtime_;
};

}  // namespace tributary::python::testing
