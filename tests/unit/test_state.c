/* state.json: the user view as `runc state` prints it, the private fields,
 * and reading it back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "spec/spec.h"

static struct oci_map_entry two_annotations[] = {
    {"com.example.a", "1"},
    {"org.opencontainers.image.title", "a \"quoted\" title"},
};

static struct container_state sample_state(void)
{
    return (struct container_state){
        .id = "web1",
        .pid = 4242,
        .start_time = 18446744073709551615ULL,
        .bundle = "/srv/bundles/web1",
        .rootfs = "/srv/bundles/web1/rootfs",
        .created = "2024-05-01T10:20:30.123456789Z",
        .owner = 1000,
        .cgroup_path = "/sys/fs/cgroup/berth/web1",
        .own_pid_ns = true,
        .oom_killed = false,
        .annotations = {two_annotations, 2},
    };
}

static void test_status_names(void **state)
{
    (void) state;
    assert_string_equal(container_status_names[STATUS_CREATING], "creating");
    assert_string_equal(container_status_names[STATUS_CREATED], "created");
    assert_string_equal(container_status_names[STATUS_RUNNING], "running");
    assert_string_equal(container_status_names[STATUS_PAUSED], "paused");
    assert_string_equal(container_status_names[STATUS_STOPPED], "stopped");
}

static void test_user_view_running(void **state)
{
    (void) state;
    struct container_state s = sample_state();
    cleanup_free char *json = spec_state_to_json(&s, STATUS_RUNNING, false);
    assert_string_equal(json, "{\n"
                              "  \"ociVersion\": \"1.3.0\",\n"
                              "  \"id\": \"web1\",\n"
                              "  \"pid\": 4242,\n"
                              "  \"status\": \"running\",\n"
                              "  \"bundle\": \"/srv/bundles/web1\",\n"
                              "  \"rootfs\": \"/srv/bundles/web1/rootfs\",\n"
                              "  \"created\": \"2024-05-01T10:20:30.123456789Z\",\n"
                              "  \"annotations\": {\n"
                              "    \"com.example.a\": \"1\",\n"
                              "    \"org.opencontainers.image.title\": \"a \\\"quoted\\\" title\"\n"
                              "  },\n"
                              "  \"owner\": \"\"\n"
                              "}");
}

static void test_user_view_stopped_has_no_pid(void **state)
{
    (void) state;
    struct container_state s = sample_state();
    s.annotations = (struct oci_map){0};
    cleanup_free char *json = spec_state_to_json(&s, STATUS_STOPPED, false);
    assert_string_equal(json, "{\n"
                              "  \"ociVersion\": \"1.3.0\",\n"
                              "  \"id\": \"web1\",\n"
                              "  \"status\": \"stopped\",\n"
                              "  \"bundle\": \"/srv/bundles/web1\",\n"
                              "  \"rootfs\": \"/srv/bundles/web1/rootfs\",\n"
                              "  \"created\": \"2024-05-01T10:20:30.123456789Z\",\n"
                              "  \"owner\": \"\"\n"
                              "}");
}

static void test_pid_when_created_running_paused_or_known(void **state)
{
    (void) state;
    struct container_state s = sample_state();
    /* creating: once the process exists (what create-time hooks see) */
    static const struct {
        enum container_status status;
        bool has_pid;
    } cases[] = {
        {STATUS_CREATING, true}, {STATUS_CREATED, true}, {STATUS_RUNNING, true},
        {STATUS_PAUSED, true},   {STATUS_STOPPED, false},
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        cleanup_free char *json = spec_state_to_json(&s, cases[i].status, false);
        assert_int_equal(strstr(json, "\"pid\": 4242") != NULL, cases[i].has_pid);
        cleanup_free char *status = xasprintf("\"status\": \"%s\"", container_status_names[cases[i].status]);
        assert_non_null(strstr(json, status));
        assert_null(strstr(json, "berth"));
    }
}

static void test_oom_killed_next_to_status(void **state)
{
    (void) state;
    struct container_state s = sample_state();
    s.oom_killed = true;
    cleanup_free char *json = spec_state_to_json(&s, STATUS_STOPPED, false);
    assert_non_null(strstr(json, "  \"status\": \"stopped\",\n  \"oomKilled\": true,\n  \"bundle\""));
}

static void test_private_view(void **state)
{
    (void) state;
    struct container_state s = sample_state();
    s.annotations = (struct oci_map){0};
    cleanup_free char *json = spec_state_to_json(&s, STATUS_CREATING, true);
    assert_string_equal(json, "{\n"
                              "  \"ociVersion\": \"1.3.0\",\n"
                              "  \"id\": \"web1\",\n"
                              "  \"pid\": 4242,\n"
                              "  \"status\": \"creating\",\n"
                              "  \"bundle\": \"/srv/bundles/web1\",\n"
                              "  \"rootfs\": \"/srv/bundles/web1/rootfs\",\n"
                              "  \"created\": \"2024-05-01T10:20:30.123456789Z\",\n"
                              "  \"owner\": \"\",\n"
                              "  \"berth\": {\n"
                              "    \"pid\": 4242,\n"
                              "    \"startTime\": 18446744073709551615,\n"
                              "    \"owner\": 1000,\n"
                              "    \"cgroupPath\": \"/sys/fs/cgroup/berth/web1\",\n"
                              "    \"ownPidNs\": true,\n"
                              "    \"oomKilled\": false,\n"
                              "    \"hooks\": 0\n"
                              "  }\n"
                              "}");
}

static void test_round_trip(void **state)
{
    (void) state;
    struct container_state s = sample_state();
    s.oom_killed = true;
    cleanup_free char *json = spec_state_to_json(&s, STATUS_CREATING, true);
    cleanup_state struct container_state *back = NULL;
    cleanup_err err_t err = NULL;
    if (spec_state_from_json(json, strlen(json), &back, &err) < 0)
        fail_msg("%s", err->msg);
    assert_string_equal(back->id, s.id);
    assert_int_equal(back->pid, s.pid);
    assert_true(back->start_time == s.start_time);
    assert_string_equal(back->bundle, s.bundle);
    assert_string_equal(back->rootfs, s.rootfs);
    assert_string_equal(back->created, s.created);
    assert_int_equal(back->owner, s.owner);
    assert_string_equal(back->cgroup_path, s.cgroup_path);
    assert_true(back->own_pid_ns);
    assert_true(back->oom_killed);
    assert_int_equal(back->annotations.len, 2);
    assert_string_equal(oci_map_get(&back->annotations, "org.opencontainers.image.title"), "a \"quoted\" title");

    /* and what it writes again is the same */
    cleanup_free char *again = spec_state_to_json(back, STATUS_CREATING, true);
    assert_string_equal(again, json);
}

static void test_round_trip_empty_cgroup_path(void **state)
{
    (void) state;
    struct container_state s = sample_state();
    s.cgroup_path = "";
    s.own_pid_ns = false;
    cleanup_free char *json = spec_state_to_json(&s, STATUS_RUNNING, true);
    cleanup_state struct container_state *back = NULL;
    cleanup_err err_t err = NULL;
    assert_int_equal(spec_state_from_json(json, strlen(json), &back, &err), 0);
    assert_string_equal(back->cgroup_path, "");
    assert_false(back->own_pid_ns);
    assert_false(back->oom_killed);
}

struct bad_state {
    const char *json;
    const char *error;
};

static const struct bad_state bad_states[] = {
    {"{\"id\": \"a\",", "state.json: invalid JSON at line 1, column 12: parse error: premature EOF"},
    {"[]", "state.json: expected a JSON object at the top level"},
    {"{\"bundle\": \"/b\", \"berth\": {\"pid\": 1, \"startTime\": 2}}", "state.json: id: is required"},
    {"{\"id\": \"a\", \"bundle\": \"/b\"}", "state.json: berth: is required"},
    {"{\"id\": \"a\", \"bundle\": \"/b\", \"berth\": {\"pid\": \"1\", \"startTime\": 2}}",
     "state.json: berth.pid: expected an integer"},
    {"{\"id\": \"a\", \"bundle\": \"/b\", \"berth\": {\"pid\": 1}}", "state.json: berth.startTime: is required"},
    {"{\"id\": 7, \"bundle\": \"/b\", \"berth\": {\"pid\": 1, \"startTime\": 2}}", "state.json: id: expected a string"},
    {"{\"id\": \"a\", \"id\": \"b\"}", "state.json: id: duplicate key"},
};

static void test_bad_state(void **state)
{
    const struct bad_state *c = *state;
    cleanup_state struct container_state *s = NULL;
    cleanup_err err_t err = NULL;
    assert_int_equal(spec_state_from_json(c->json, strlen(c->json), &s, &err), -1);
    assert_null(s);
    assert_string_equal(err->msg, c->error);
}

int main(void)
{
    const struct CMUnitTest fixed[] = {
        cmocka_unit_test(test_status_names),
        cmocka_unit_test(test_user_view_running),
        cmocka_unit_test(test_user_view_stopped_has_no_pid),
        cmocka_unit_test(test_pid_when_created_running_paused_or_known),
        cmocka_unit_test(test_oom_killed_next_to_status),
        cmocka_unit_test(test_private_view),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_round_trip_empty_cgroup_path),
    };
    size_t n_fixed = ARRAY_SIZE(fixed), n_bad = ARRAY_SIZE(bad_states);
    struct CMUnitTest *tests = xzalloc((n_fixed + n_bad) * sizeof(*tests));
    memcpy(tests, fixed, sizeof(fixed));
    for (size_t i = 0; i < n_bad; i++)
        tests[n_fixed + i] = (struct CMUnitTest){bad_states[i].error, test_bad_state, NULL, NULL, (void *) &bad_states[i]};
    int failed = _cmocka_run_group_tests("state", tests, n_fixed + n_bad, NULL, NULL);
    free(tests);
    return failed;
}
