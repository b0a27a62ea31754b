#include "python/transform.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "python_test_env.hpp"

namespace tributary::python {
namespace {

[[maybe_unused]] auto* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new testing::PythonEnvironment());

using Queries = std::vector<QueryWithParams>;
using Map = PropertyValue::Map;
using List = PropertyValue::List;

std::unique_ptr<Transform> MustLoad(const std::string& name, const std::string& source) {
  auto transform = Transform::Load(name, source);
  EXPECT_TRUE(transform) << transform.Error().message;
  return transform ? std::move(*transform) : nullptr;
}

// Loads a transform whose stream() returns `expression` (a Python expression
// over `batch`) and calls it with `messages`.
Result<Queries, TransformError> Returning(const std::string& expression,
                                          std::vector<std::string_view> messages = {}) {
  auto transform = MustLoad("shape", "def stream(batch):\n    return " + expression + "\n");
  if (transform == nullptr) return MakeError(TransformError{});
  return transform->Call(messages);
}

std::string BadResultMessage(const std::string& expression) {
  auto result = Returning(expression);
  EXPECT_FALSE(result) << expression;
  if (result) return "";
  EXPECT_EQ(result.Error().kind, TransformErrorKind::kBadResult) << result.Error().message;
  return result.Error().message;
}

TEST(Transform, ExampleTransformMatchesTheContract) {
  std::ifstream file(TRIBUTARY_EXAMPLES_DIR "/transform.py");
  ASSERT_TRUE(file);
  std::stringstream source;
  source << file.rdbuf();
  auto transform = MustLoad("example", source.str());
  ASSERT_NE(transform, nullptr);
  // Arabic-Indic "1" is a digit to Python but not a number of the guide's topic.
  auto queries = transform->Call(
      {"1", "1 2", " 3 \n", "a b", "", "\xff\xfe", "1 2 3", "-4", "--5", "-", "\xd9\xa1", "6\t7"});
  ASSERT_TRUE(queries) << queries.Error().message;
  Queries expected = {
      {"CREATE (:Node {id: $id})", Map{{"id", "1"}}},
      {"MATCH (n:Node {id: $from_id}), (m:Node {id: $to_id}) CREATE (n)-[:Edge]->(m)",
       Map{{"from_id", "1"}, {"to_id", "2"}}},
      {"CREATE (:Node {id: $id})", Map{{"id", "3"}}},
      {"CREATE (:Node {id: $id})", Map{{"id", "-4"}}},
      {"MATCH (n:Node {id: $from_id}), (m:Node {id: $to_id}) CREATE (n)-[:Edge]->(m)",
       Map{{"from_id", "6"}, {"to_id", "7"}}},
  };
  EXPECT_EQ(*queries, expected);
}

TEST(Transform, ModuleStatePersistsBetweenCallsAndIsPerTransform) {
  const std::string source =
      "seen = 0\n"
      "def stream(batch):\n"
      "    global seen\n"
      "    seen += len(batch)\n"
      "    return [('RETURN $n', {'n': seen})]\n";
  auto a = MustLoad("counter", source);
  auto b = MustLoad("counter", source);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->Call({"x", "y"})->at(0).params.at("n"), PropertyValue(2));
  EXPECT_EQ(a->Call({"z"})->at(0).params.at("n"), PropertyValue(3));
  EXPECT_EQ(b->Call({"z"})->at(0).params.at("n"), PropertyValue(1));
  EXPECT_EQ(a->Name(), "counter");
}

TEST(Transform, MessagesArriveAsExactBytes) {
  auto transform = MustLoad("bytes",
                            "def stream(batch):\n"
                            "    assert all(type(m) is bytes for m in batch)\n"
                            "    return [('q', {'hex': m.hex(), 'len': len(m)}) for m in batch]\n");
  ASSERT_NE(transform, nullptr);
  const std::string binary("\xff\x00z\x80", 4);
  auto queries = transform->Call({binary, "", "é"});
  ASSERT_TRUE(queries) << queries.Error().message;
  ASSERT_EQ(queries->size(), 3u);
  EXPECT_EQ((*queries)[0].params, (Map{{"hex", "ff007a80"}, {"len", 4}}));
  EXPECT_EQ((*queries)[1].params, (Map{{"hex", ""}, {"len", 0}}));
  EXPECT_EQ((*queries)[2].params, (Map{{"hex", "c3a9"}, {"len", 2}}));
  auto empty = transform->Call({});
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
}

TEST(Transform, ConvertsEverySupportedValueType) {
  auto queries = Returning(
      "[('Q', {'none': None, 't': True, 'f': False, 'i': -7, 'min': -2**63, 'max': 2**63 - 1,"
      " 'x': 2.5, 's': 'héllo', 'l': [1, 'a', [None]], 'tuple': (1, 2),"
      " 'm': {'k': {'deep': [True]}}, 'b': b'r\\x00w', 'ba': bytearray(b'\\xff')}),"
      " ['list pair', {}]]");
  ASSERT_TRUE(queries) << queries.Error().message;
  ASSERT_EQ(queries->size(), 2u);
  const Map& p = (*queries)[0].params;
  EXPECT_EQ((*queries)[0].query, "Q");
  EXPECT_TRUE(p.at("none").IsNull());
  EXPECT_EQ(p.at("t"), PropertyValue(true));
  EXPECT_EQ(p.at("f"), PropertyValue(false));
  EXPECT_TRUE(p.at("t").IsBool()) << "bool must not become an int";
  EXPECT_EQ(p.at("i"), PropertyValue(-7));
  EXPECT_EQ(p.at("min"), PropertyValue(INT64_MIN));
  EXPECT_EQ(p.at("max"), PropertyValue(INT64_MAX));
  EXPECT_EQ(p.at("x"), PropertyValue(2.5));
  EXPECT_EQ(p.at("s"), PropertyValue("héllo"));
  EXPECT_EQ(p.at("l"), PropertyValue(List{1, "a", List{nullptr}}));
  EXPECT_EQ(p.at("tuple"), PropertyValue(List{1, 2}));
  EXPECT_EQ(p.at("m"), PropertyValue(Map{{"k", Map{{"deep", List{true}}}}}));
  EXPECT_EQ(p.at("b"), PropertyValue(Bytes{std::string("r\0w", 3)}));
  EXPECT_EQ(p.at("ba"), PropertyValue(Bytes{"\xff"}));
  EXPECT_EQ((*queries)[1], (QueryWithParams{"list pair", {}}));
}

TEST(Transform, RejectsResultsOutsideTheContract) {
  EXPECT_EQ(BadResultMessage("{'q': {}}"),
            "Transform shape: result must be a list of (query, params) tuples, got dict");
  EXPECT_EQ(BadResultMessage("None"),
            "Transform shape: result must be a list of (query, params) tuples, got NoneType");
  EXPECT_EQ(BadResultMessage("(('q', {}),)"),
            "Transform shape: result must be a list of (query, params) tuples, got tuple");
  EXPECT_EQ(BadResultMessage("[('q', {}), 'CREATE ()']"),
            "Transform shape: result item 1 must be a (query, params) tuple, got str");
  EXPECT_EQ(BadResultMessage("[('q', {}, 1)]"),
            "Transform shape: result item 0 must be a (query, params) tuple, got a tuple of 3 "
            "items");
  EXPECT_EQ(BadResultMessage("[(b'q', {})]"),
            "Transform shape: result item 0: query must be a str, got bytes");
  EXPECT_EQ(BadResultMessage("[('q', None)]"),
            "Transform shape: result item 0: params must be a dict, got NoneType");
  EXPECT_EQ(BadResultMessage("[('q', {1: 'x'})]"),
            "Transform shape: result item 0: params key of type int (keys must be str)");
  EXPECT_EQ(BadResultMessage("[('q', {}), ('q', {'a': [1, {2}]})]"),
            "Transform shape: result item 1: params[\"a\"][1]: unsupported value of type set");
  EXPECT_EQ(BadResultMessage("[('q', {'o': object()})]"),
            "Transform shape: result item 0: params[\"o\"]: unsupported value of type object");
  EXPECT_EQ(BadResultMessage("[('q', {'n': 2**63})]"),
            "Transform shape: result item 0: params[\"n\"]: int does not fit in 64 bits");
  EXPECT_EQ(BadResultMessage("[('q', {'n': -2**63 - 1})]"),
            "Transform shape: result item 0: params[\"n\"]: int does not fit in 64 bits");
  EXPECT_EQ(BadResultMessage("[('q', {'m': {'k': {3: 1}}})]"),
            "Transform shape: result item 0: params[\"m\"][\"k\"]: key of type int (keys must "
            "be str)");
  EXPECT_EQ(BadResultMessage("[('q', {'s': '\\ud800'})]"),
            "Transform shape: result item 0: params[\"s\"]: str cannot be encoded as UTF-8");
}

TEST(Transform, SelfReferentialValueIsAnErrorNotACrash) {
  auto transform = MustLoad("cycle",
                            "def stream(batch):\n"
                            "    a = []\n"
                            "    a.append(a)\n"
                            "    return [('q', {'a': a})]\n");
  ASSERT_NE(transform, nullptr);
  auto result = transform->Call({});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.Error().kind, TransformErrorKind::kBadResult);
  EXPECT_NE(result.Error().message.find("nested deeper than 100 levels"), std::string::npos)
      << result.Error().message;
}

TEST(Transform, SyntaxErrorNamesTheScriptAndLine) {
  auto transform = Transform::Load("broken", "def stream(batch):\n    return []\nx = = 1\n");
  ASSERT_FALSE(transform);
  EXPECT_EQ(transform.Error().kind, TransformErrorKind::kLoad);
  EXPECT_EQ(transform.Error().message, "Transform broken: SyntaxError: invalid syntax (line 3)");

  auto indent = Transform::Load("indent", "def stream(batch):\nreturn []\n");
  ASSERT_FALSE(indent);
  EXPECT_EQ(indent.Error().message.rfind("Transform indent: IndentationError: ", 0), 0u)
      << indent.Error().message;
  EXPECT_NE(indent.Error().message.find("(line 2)"), std::string::npos);

  auto nul = Transform::Load("nul", std::string_view("x = 1\0", 6));
  ASSERT_FALSE(nul);
  EXPECT_EQ(nul.Error().kind, TransformErrorKind::kLoad);
}

TEST(Transform, MissingOrNonCallableStreamIsALoadError) {
  for (const char* source : {"x = 1\n", "stream = 5\n", "def Stream(batch):\n    return []\n"}) {
    auto transform = Transform::Load("nostream", source);
    ASSERT_FALSE(transform) << source;
    EXPECT_EQ(transform.Error().kind, TransformErrorKind::kLoad);
    EXPECT_EQ(transform.Error().message,
              "Transform nostream: the script defines no callable 'stream'");
  }
}

TEST(Transform, ExceptionWhileLoadingIsReported) {
  auto transform = Transform::Load("raises", "import json\nraise RuntimeError('no config')\n");
  ASSERT_FALSE(transform);
  EXPECT_EQ(transform.Error().kind, TransformErrorKind::kLoad);
  EXPECT_EQ(transform.Error().message, "Transform raises: RuntimeError: no config");
  auto import = Transform::Load("imports", "import no_such_module_here\n");
  ASSERT_FALSE(import);
  EXPECT_EQ(import.Error().message,
            "Transform imports: ModuleNotFoundError: No module named 'no_such_module_here'");
}

TEST(Transform, ExceptionInStreamHasTypeMessageAndTraceback) {
  auto transform = MustLoad("failing",
                            "class BadMessage(Exception):\n"
                            "    pass\n"
                            "def stream(batch):\n"
                            "    if batch[0] == b'key':\n"
                            "        return {}['missing']\n"
                            "    if batch[0] == b'bare':\n"
                            "        raise BadMessage()\n"
                            "    raise BadMessage('cannot parse ' + batch[0].decode())\n");
  ASSERT_NE(transform, nullptr);
  auto custom = transform->Call({"xyz"});
  ASSERT_FALSE(custom);
  EXPECT_EQ(custom.Error().kind, TransformErrorKind::kException);
  EXPECT_EQ(custom.Error().message, "Transform failing: BadMessage: cannot parse xyz");
  EXPECT_NE(custom.Error().traceback.find("line 8, in stream"), std::string::npos)
      << custom.Error().traceback;
  auto key = transform->Call({"key"});
  ASSERT_FALSE(key);
  EXPECT_EQ(key.Error().message, "Transform failing: KeyError: 'missing'");
  auto bare = transform->Call({"bare"});
  ASSERT_FALSE(bare);
  EXPECT_EQ(bare.Error().message, "Transform failing: BadMessage");
  // The transform stays usable after failures.
  auto again = transform->Call({"key"});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.Error().kind, TransformErrorKind::kException);
}

int64_t MillisecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               start)
      .count();
}

const char* const kSpinner =
    "import time\n"
    "def stream(batch):\n"
    "    if batch and batch[0] == b'spin':\n"
    "        while True:\n"
    "            pass\n"
    "    if batch and batch[0] == b'stubborn':\n"
    "        try:\n"
    "            while True:\n"
    "                pass\n"
    "        except BaseException:\n"
    "            pass\n"
    "        while True:\n"
    "            pass\n"
    "    if batch and batch[0] == b'catch-exception':\n"
    "        while True:\n"
    "            try:\n"
    "                pass\n"
    "            except Exception:\n"
    "                pass\n"
    "    if batch and batch[0] == b'sleep':\n"
    "        time.sleep(0.6)\n"
    "        return []\n"
    "    return [('ok', {})]\n";

TEST(Transform, InfiniteLoopIsInterruptedInANonMainThread) {
  auto transform = MustLoad("spinner", kSpinner);
  ASSERT_NE(transform, nullptr);
  // CPython 3.11 runs pending calls only in the main thread; stream threads
  // are not it, so this checks the interruption works where it matters.
  std::thread worker([&] {
    auto start = std::chrono::steady_clock::now();
    auto result = transform->Call({"spin"}, std::chrono::milliseconds(300));
    int64_t ms = MillisecondsSince(start);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.Error().kind, TransformErrorKind::kTimeout);
    EXPECT_EQ(result.Error().message, "Transform spinner: timed out after 300 ms");
    EXPECT_GE(ms, 280);
    EXPECT_LT(ms, 4000);
    // The same transform works afterwards, in the same thread...
    auto ok = transform->Call({"fine"}, std::chrono::milliseconds(1000));
    ASSERT_TRUE(ok) << ok.Error().message;
    EXPECT_EQ(ok->size(), 1u);
  });
  worker.join();
  // ...and in another one, as does a different transform.
  auto ok = transform->Call({"fine"});
  ASSERT_TRUE(ok) << ok.Error().message;
  auto other = MustLoad("other", "def stream(batch):\n    return []\n");
  ASSERT_NE(other, nullptr);
  EXPECT_TRUE(other->Call({"x"}));
}

TEST(Transform, CatchingTheTimeoutDoesNotKeepTheTransformRunning) {
  auto transform = MustLoad("spinner", kSpinner);
  ASSERT_NE(transform, nullptr);
  auto start = std::chrono::steady_clock::now();
  auto stubborn = transform->Call({"stubborn"}, std::chrono::milliseconds(200));
  ASSERT_FALSE(stubborn);
  EXPECT_EQ(stubborn.Error().kind, TransformErrorKind::kTimeout);
  EXPECT_LT(MillisecondsSince(start), 4000);
  // `except Exception` does not catch it: it derives from BaseException.
  auto caught = transform->Call({"catch-exception"}, std::chrono::milliseconds(200));
  ASSERT_FALSE(caught);
  EXPECT_EQ(caught.Error().kind, TransformErrorKind::kTimeout);
  EXPECT_TRUE(transform->Call({"fine"}));
}

TEST(Transform, BlockingCallIsInterruptedWhenItReturns) {
  auto transform = MustLoad("sleeper", kSpinner);
  ASSERT_NE(transform, nullptr);
  auto start = std::chrono::steady_clock::now();
  auto result = transform->Call({"sleep"}, std::chrono::milliseconds(100));
  int64_t ms = MillisecondsSince(start);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.Error().kind, TransformErrorKind::kTimeout);
  EXPECT_GE(ms, 550);
  EXPECT_LT(ms, 4000);
}

TEST(Transform, SlowModuleCodeIsInterruptedToo) {
  auto start = std::chrono::steady_clock::now();
  auto transform =
      Transform::Load("slowload", "while True:\n    pass\n", std::chrono::milliseconds(200));
  ASSERT_FALSE(transform);
  EXPECT_EQ(transform.Error().kind, TransformErrorKind::kTimeout);
  EXPECT_EQ(transform.Error().message, "Transform slowload: loading timed out after 200 ms");
  EXPECT_LT(MillisecondsSince(start), 4000);
}

TEST(Transform, FastCallsAreNotInterruptedLater) {
  auto transform = MustLoad("quick",
                            "import time\n"
                            "def stream(batch):\n"
                            "    return [('ok', {})]\n");
  ASSERT_NE(transform, nullptr);
  for (int i = 0; i < 200; ++i) {
    auto result = transform->Call({"x"}, std::chrono::milliseconds(1));
    // A 1 ms limit may or may not fire during the call, but a fired deadline
    // never leaks into a later call.
    if (!result) {
      EXPECT_EQ(result.Error().kind, TransformErrorKind::kTimeout);
    }
  }
  auto settled = transform->Call({"x"}, std::chrono::milliseconds(5000));
  EXPECT_TRUE(settled) << settled.Error().message;
}

class CaptureLog {
 public:
  CaptureLog()
      : sink_(std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(100)),
        previous_(spdlog::default_logger()) {
    auto logger = std::make_shared<spdlog::logger>("capture", sink_);
    logger->set_level(spdlog::level::trace);
    sink_->set_pattern("%l %v");
    spdlog::set_default_logger(logger);
  }
  ~CaptureLog() { spdlog::set_default_logger(previous_); }
  std::vector<std::string> Lines() { return sink_->last_formatted(); }

 private:
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink_;
  std::shared_ptr<spdlog::logger> previous_;
};

TEST(Transform, PrintGoesToTheLogTaggedWithTheTransform) {
  CaptureLog log;
  auto transform = MustLoad("printer",
                            "import sys\n"
                            "print('loaded')\n"
                            "def stream(batch):\n"
                            "    print('got', len(batch), 'messages')\n"
                            "    print('part', end='')\n"
                            "    print('ial')\n"
                            "    print('oops', file=sys.stderr)\n"
                            "    sys.stdout.write('no newline')\n"
                            "    return []\n");
  ASSERT_NE(transform, nullptr);
  ASSERT_TRUE(transform->Call({"a", "b"}));
  std::vector<std::string> lines;
  for (std::string line : log.Lines()) {
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    lines.push_back(line);
  }
  std::vector<std::string> expected = {
      "info transform printer: loaded",     "info transform printer: got 2 messages",
      "info transform printer: partial",    "warning transform printer: oops",
      "info transform printer: no newline",
  };
  EXPECT_EQ(lines, expected);
}

TEST(Transform, InterpreterIsDebiansPythonInIsolatedMode) {
  auto queries = Returning(
      "[('q', {'prefix': __import__('sys').prefix, 'isolated': __import__('sys').flags.isolated,"
      " 'version': list(__import__('sys').version_info[:2]),"
      " 'path': [p for p in __import__('sys').path if 'pyenv' in p]})]");
  ASSERT_TRUE(queries) << queries.Error().message;
  const Map& p = (*queries)[0].params;
  EXPECT_EQ(p.at("prefix"), PropertyValue("/usr"));
  EXPECT_EQ(p.at("isolated"), PropertyValue(1));
  EXPECT_EQ(p.at("version"), PropertyValue(List{3, 11}));
  EXPECT_EQ(p.at("path"), PropertyValue(List{}));
}

TEST(Transform, DataclassesWorkInsideTransforms) {
  auto transform = MustLoad("dc",
                            "from __future__ import annotations\n"
                            "import dataclasses\n"
                            "@dataclasses.dataclass\n"
                            "class Edge:\n"
                            "    a: str\n"
                            "    b: str\n"
                            "def stream(batch):\n"
                            "    e = Edge('1', '2')\n"
                            "    return [('q', dataclasses.asdict(e))]\n");
  ASSERT_NE(transform, nullptr);
  auto queries = transform->Call({});
  ASSERT_TRUE(queries) << queries.Error().message;
  EXPECT_EQ((*queries)[0].params, (Map{{"a", "1"}, {"b", "2"}}));
}

TEST(PythonRuntime, OnlyOneInterpreterPerProcess) {
  EXPECT_TRUE(PythonRuntime::IsRunning());
  auto second = PythonRuntime::Start();
  ASSERT_FALSE(second);
  EXPECT_NE(second.Error().find("already running"), std::string::npos);
}

}  // namespace
}  // namespace tributary::python
