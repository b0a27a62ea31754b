// The in-process stream tests share one Python interpreter and one broker.

#include <gtest/gtest.h>

#include "stream_test_support.hpp"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new tributary::streams::testing::StreamsEnvironment);
  return RUN_ALL_TESTS();
}
