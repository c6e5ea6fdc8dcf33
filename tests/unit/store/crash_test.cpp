// Acknowledged means stored: a child process writes messages through the
// Executor and reports each `done`; the parent kills it with SIGKILL in mid
// stream, reopens the database and finds every acknowledged message exactly
// once, with the room's change counter still dense.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <set>
#include <string>
#include <thread>

#include "backends.hpp"
#include "store/executor.hpp"

namespace parlor::store::test {
namespace {

constexpr int kAcksBeforeKill = 3000;

// Runs in the child; never returns.
[[noreturn]] void write_until_killed(TestDatabase& db, int ack_fd) {
  auto store = db.open();
  Id room = 0;
  Id user = 0;
  {
    auto c = store->connect();
    RoomRecord r;
    r.name = "crash";
    room = c->create_room(r);
    UserRecord u;
    u.username = "writer";
    u.email = "writer@example.com";
    user = c->create_user(u);
  }
  // The ids are known to the parent: the database was empty.
  Executor ex(*store, ExecutorOptions{.reader_threads = 0, .max_queue = 1024, .max_batch = 64});
  for (long i = 0;; ++i) {
    auto job = [room, user, i](Connection& c) {
      MessageRecord m;
      m.room_id = room;
      m.sender_id = user;
      m.content = "message " + std::to_string(i);
      m.client_msg_id = std::to_string(i);
      m.seq = m.rev = c.next_rev(room);
      c.insert_message(m);
    };
    auto done = [ack_fd, i](std::exception_ptr e) {
      if (e) _exit(3);
      std::string line = std::to_string(i) + "\n";
      if (write(ack_fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) _exit(4);
    };
    while (!ex.submit_write(job, done)) std::this_thread::yield();
  }
}

class CrashTest : public ::testing::TestWithParam<Backend> {};

TEST_P(CrashTest, EveryAcknowledgedWriteSurvivesSigkill) {
  auto db = GetParam().make();
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(fds[0]);
    write_until_killed(*db, fds[1]);
  }
  close(fds[1]);

  std::set<long> acked;
  FILE* acks = fdopen(fds[0], "r");
  ASSERT_NE(acks, nullptr);
  long id = 0;
  while (static_cast<int>(acked.size()) < kAcksBeforeKill && fscanf(acks, "%ld", &id) == 1) {
    acked.insert(id);
  }
  kill(child, SIGKILL);
  // Acks already in the pipe were sent before the kill: they count too.
  while (fscanf(acks, "%ld", &id) == 1) acked.insert(id);
  fclose(acks);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the writer stopped by itself, status " << status;
  ASSERT_GE(static_cast<int>(acked.size()), kAcksBeforeKill);

  auto store = db->open();
  auto c = store->connect();
  auto writer = c->user_by_username("writer");
  ASSERT_TRUE(writer);
  auto room = c->public_rooms().at(0);
  for (long i : acked) {
    auto m = c->message_by_client_id(writer->id, std::to_string(i));
    ASSERT_TRUE(m) << "acknowledged message " << i << " is missing";
    EXPECT_EQ(m->content, "message " + std::to_string(i));
  }
  // Dense: every rev handed out belongs to exactly one stored message.
  auto all = c->messages_changed_after(room.id, 0, static_cast<int>(room.rev) + 10);
  ASSERT_EQ(static_cast<std::int64_t>(all.size()), room.rev);
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].rev, static_cast<std::int64_t>(i) + 1);
    EXPECT_EQ(all[i].seq, all[i].rev);
  }
  EXPECT_GE(all.size(), acked.size());
}

INSTANTIATE_TEST_SUITE_P(Backends, CrashTest, ::testing::ValuesIn(backends()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace parlor::store::test
