# The chat domain's tests (issue 3): pure parts, and the Service over the
# real SQLite store with a recording Outbox.
parlor_add_test(parlor_chat_tests
  SOURCES chat_pure_test.cpp search_text_test.cpp file_names_test.cpp links_test.cpp
  DEPS parlor_chat parlor_asio)
parlor_add_test(parlor_chat_service_tests
  SOURCES service_accounts_test.cpp service_rooms_test.cpp service_messages_test.cpp
          service_authz_test.cpp service_overload_test.cpp
          service_sync_test.cpp
  DEPS parlor_chat parlor_store_sqlite parlor_asio)
