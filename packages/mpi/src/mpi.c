/*
 * Node-API binding over the system MPI (Open MPI or MPICH): init, rank/size, in-place allreduce (float32/float64,
 * sum), broadcast of any typed array, allgather of float32 vectors, barrier, abort, finalize. One communicator
 * (MPI_COMM_WORLD).
 *
 * Threads: MPI is initialised with MPI_THREAD_SERIALIZED. The blocking calls run on the JS thread; the *Async calls
 * run the same MPI call on a libuv worker thread (napi async work) so the event loop keeps running. The JS layer
 * (index.js) never lets two calls overlap, which is all SERIALIZED asks for.
 */
#define OMPI_SKIP_MPICXX 1 /* else the addon fails to load on an undefined MPI C++ symbol */
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>
#include <node_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(call)                                                                  \
  do {                                                                               \
    if ((call) != napi_ok) {                                                         \
      napi_throw_error(env, NULL, "polytask mpi: Node-API call failed: " #call);     \
      return NULL;                                                                   \
    }                                                                                \
  } while (0)

static int initialised = 0;
static int world_rank = 0, world_size = 1, local_rank = 0, local_size = 1, thread_level = 0;

static napi_value throw_mpi(napi_env env, const char *what, int code) {
  char msg[MPI_MAX_ERROR_STRING + 128];
  char err[MPI_MAX_ERROR_STRING];
  int len = 0;
  err[0] = 0;
  MPI_Error_string(code, err, &len);
  snprintf(msg, sizeof msg, "polytask mpi: %s failed: %s", what, err);
  napi_throw_error(env, NULL, msg);
  return NULL;
}

static int require_init(napi_env env) {
  if (!initialised) {
    napi_throw_error(env, NULL, "polytask mpi: call init() first");
    return 0;
  }
  return 1;
}

/* ------------------------------------------------------------------ typed array arguments */

typedef struct {
  void *data;
  size_t length; /* elements */
  MPI_Datatype type;
  size_t bytes;
} Buffer;

static int typed_buffer(napi_env env, napi_value value, Buffer *out) {
  bool is_typed = false;
  if (napi_is_typedarray(env, value, &is_typed) != napi_ok || !is_typed) {
    napi_throw_type_error(env, NULL, "polytask mpi: expected a typed array");
    return 0;
  }
  napi_typedarray_type type;
  size_t length;
  void *data;
  if (napi_get_typedarray_info(env, value, &type, &length, &data, NULL, NULL) != napi_ok) return 0;
  out->data = data;
  out->length = length;
  switch (type) {
    case napi_float32_array: out->type = MPI_FLOAT; out->bytes = 4 * length; break;
    case napi_float64_array: out->type = MPI_DOUBLE; out->bytes = 8 * length; break;
    case napi_int32_array: out->type = MPI_INT; out->bytes = 4 * length; break;
    case napi_uint8_array: out->type = MPI_BYTE; out->bytes = length; break;
    default:
      napi_throw_type_error(env, NULL, "polytask mpi: expected a Float32Array, Float64Array, Int32Array or Uint8Array");
      return 0;
  }
  return 1;
}

static int int_arg(napi_env env, napi_value value, int32_t *out) {
  if (napi_get_value_int32(env, value, out) != napi_ok) {
    napi_throw_type_error(env, NULL, "polytask mpi: expected an integer");
    return 0;
  }
  return 1;
}

/* ------------------------------------------------------------------ the collectives (any thread) */

enum Op { OP_ALLREDUCE_SUM, OP_BROADCAST, OP_BARRIER };

typedef struct {
  enum Op op;
  Buffer buffer;
  int root;
  int status;
  napi_ref keep; /* the typed array, alive while a worker thread uses its memory */
  napi_deferred deferred;
  napi_async_work work;
} Call;

static int run_call(Call *c) {
  switch (c->op) {
    case OP_ALLREDUCE_SUM:
      if (c->buffer.type == MPI_BYTE) return MPI_ERR_TYPE;
      return MPI_Allreduce(MPI_IN_PLACE, c->buffer.data, (int)c->buffer.length, c->buffer.type, MPI_SUM, MPI_COMM_WORLD);
    case OP_BROADCAST:
      return MPI_Bcast(c->buffer.data, (int)c->buffer.length, c->buffer.type, c->root, MPI_COMM_WORLD);
    case OP_BARRIER:
      return MPI_Barrier(MPI_COMM_WORLD);
  }
  return MPI_ERR_OTHER;
}

static const char *op_name(enum Op op) {
  return op == OP_ALLREDUCE_SUM ? "MPI_Allreduce" : op == OP_BROADCAST ? "MPI_Bcast" : "MPI_Barrier";
}

/* Parses (buffer[, root]) for the buffer ops; (nothing) for the barrier. */
static int parse_call(napi_env env, napi_callback_info info, enum Op op, Call *c, napi_value *buffer_value) {
  size_t argc = 2;
  napi_value argv[2];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return 0;
  memset(c, 0, sizeof *c);
  c->op = op;
  if (op == OP_BARRIER) return 1;
  if (argc < 1) {
    napi_throw_type_error(env, NULL, "polytask mpi: missing buffer argument");
    return 0;
  }
  if (!typed_buffer(env, argv[0], &c->buffer)) return 0;
  if (c->buffer.length > (size_t)0x7fffffff) {
    napi_throw_range_error(env, NULL, "polytask mpi: buffer longer than 2^31-1 elements");
    return 0;
  }
  *buffer_value = argv[0];
  if (op == OP_BROADCAST) {
    int32_t root = 0;
    if (argc >= 2 && !int_arg(env, argv[1], &root)) return 0;
    if (root < 0 || root >= world_size) {
      napi_throw_range_error(env, NULL, "polytask mpi: broadcast root out of range");
      return 0;
    }
    c->root = root;
  }
  return 1;
}

static napi_value call_sync(napi_env env, napi_callback_info info, enum Op op) {
  if (!require_init(env)) return NULL;
  Call c;
  napi_value buffer = NULL;
  if (!parse_call(env, info, op, &c, &buffer)) return NULL;
  int status = run_call(&c);
  if (status != MPI_SUCCESS) return throw_mpi(env, op_name(op), status);
  if (buffer) return buffer;
  napi_value undefined;
  CHECK(napi_get_undefined(env, &undefined));
  return undefined;
}

static void async_execute(napi_env env, void *data) {
  Call *c = data;
  c->status = run_call(c);
}

static void async_complete(napi_env env, napi_status status, void *data) {
  Call *c = data;
  napi_value result = NULL;
  if (status == napi_ok && c->status == MPI_SUCCESS) {
    if (c->keep) napi_get_reference_value(env, c->keep, &result);
    if (!result) napi_get_undefined(env, &result);
    napi_resolve_deferred(env, c->deferred, result);
  } else {
    char msg[MPI_MAX_ERROR_STRING + 128];
    char err[MPI_MAX_ERROR_STRING];
    int len = 0;
    err[0] = 0;
    if (c->status != MPI_SUCCESS) MPI_Error_string(c->status, err, &len);
    else snprintf(err, sizeof err, "cancelled");
    snprintf(msg, sizeof msg, "polytask mpi: %s failed: %s", op_name(c->op), err);
    napi_value text, error;
    napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &text);
    napi_create_error(env, NULL, text, &error);
    napi_reject_deferred(env, c->deferred, error);
  }
  if (c->keep) napi_delete_reference(env, c->keep);
  napi_delete_async_work(env, c->work);
  free(c);
}

static napi_value call_async(napi_env env, napi_callback_info info, enum Op op) {
  if (!require_init(env)) return NULL;
  Call *c = malloc(sizeof *c);
  if (!c) {
    napi_throw_error(env, NULL, "polytask mpi: out of memory");
    return NULL;
  }
  napi_value buffer = NULL;
  if (!parse_call(env, info, op, c, &buffer)) {
    free(c);
    return NULL;
  }
  napi_value promise, name;
  if (buffer && napi_create_reference(env, buffer, 1, &c->keep) != napi_ok) {
    free(c);
    CHECK(napi_generic_failure);
  }
  CHECK(napi_create_promise(env, &c->deferred, &promise));
  CHECK(napi_create_string_utf8(env, op_name(op), NAPI_AUTO_LENGTH, &name));
  CHECK(napi_create_async_work(env, NULL, name, async_execute, async_complete, c, &c->work));
  CHECK(napi_queue_async_work(env, c->work));
  return promise;
}

static napi_value allreduce_sum(napi_env env, napi_callback_info info) { return call_sync(env, info, OP_ALLREDUCE_SUM); }
static napi_value allreduce_sum_async(napi_env env, napi_callback_info info) { return call_async(env, info, OP_ALLREDUCE_SUM); }
static napi_value broadcast(napi_env env, napi_callback_info info) { return call_sync(env, info, OP_BROADCAST); }
static napi_value broadcast_async(napi_env env, napi_callback_info info) { return call_async(env, info, OP_BROADCAST); }
static napi_value barrier(napi_env env, napi_callback_info info) { return call_sync(env, info, OP_BARRIER); }
static napi_value barrier_async(napi_env env, napi_callback_info info) { return call_async(env, info, OP_BARRIER); }

/* allgather(Float32Array local) -> Float32Array of every rank's vector in rank order (lengths may differ). */
static napi_value allgather(napi_env env, napi_callback_info info) {
  if (!require_init(env)) return NULL;
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  Buffer local;
  if (argc < 1 || !typed_buffer(env, argv[0], &local)) return NULL;
  if (local.type != MPI_FLOAT) {
    napi_throw_type_error(env, NULL, "polytask mpi: allgather takes a Float32Array");
    return NULL;
  }
  int *counts = malloc(sizeof(int) * world_size * 2);
  if (!counts) {
    napi_throw_error(env, NULL, "polytask mpi: out of memory");
    return NULL;
  }
  int *offsets = counts + world_size;
  int mine = (int)local.length;
  int status = MPI_Allgather(&mine, 1, MPI_INT, counts, 1, MPI_INT, MPI_COMM_WORLD);
  if (status != MPI_SUCCESS) {
    free(counts);
    return throw_mpi(env, "MPI_Allgather", status);
  }
  size_t total = 0;
  for (int r = 0; r < world_size; r++) {
    offsets[r] = (int)total;
    total += (size_t)counts[r];
  }
  napi_value arraybuffer, result;
  void *data;
  if (napi_create_arraybuffer(env, total * 4, &data, &arraybuffer) != napi_ok ||
      napi_create_typedarray(env, napi_float32_array, total, arraybuffer, 0, &result) != napi_ok) {
    free(counts);
    napi_throw_error(env, NULL, "polytask mpi: cannot allocate the gathered array");
    return NULL;
  }
  status = MPI_Allgatherv(local.data, mine, MPI_FLOAT, data, counts, offsets, MPI_FLOAT, MPI_COMM_WORLD);
  free(counts);
  if (status != MPI_SUCCESS) return throw_mpi(env, "MPI_Allgatherv", status);
  return result;
}

/* ------------------------------------------------------------------ lifecycle */

static napi_value info_object(napi_env env) {
  napi_value obj, v;
  CHECK(napi_create_object(env, &obj));
  CHECK(napi_create_int32(env, world_rank, &v));
  CHECK(napi_set_named_property(env, obj, "rank", v));
  CHECK(napi_create_int32(env, world_size, &v));
  CHECK(napi_set_named_property(env, obj, "size", v));
  CHECK(napi_create_int32(env, local_rank, &v));
  CHECK(napi_set_named_property(env, obj, "localRank", v));
  CHECK(napi_create_int32(env, local_size, &v));
  CHECK(napi_set_named_property(env, obj, "localSize", v));
  CHECK(napi_create_int32(env, thread_level, &v));
  CHECK(napi_set_named_property(env, obj, "threadLevel", v));
  char version[MPI_MAX_LIBRARY_VERSION_STRING];
  int len = 0;
  MPI_Get_library_version(version, &len);
  char *newline = strchr(version, '\n');
  if (newline) *newline = 0;
  CHECK(napi_create_string_utf8(env, version, NAPI_AUTO_LENGTH, &v));
  CHECK(napi_set_named_property(env, obj, "library", v));
  return obj;
}

static int do_init(void) {
  int already = 0;
  MPI_Initialized(&already);
  if (!already) {
    int status = MPI_Init_thread(NULL, NULL, MPI_THREAD_SERIALIZED, &thread_level);
    if (status != MPI_SUCCESS) return status;
  }
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  MPI_Comm_rank(MPI_COMM_WORLD, &world_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &world_size);
  MPI_Comm node;
  if (MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, world_rank, MPI_INFO_NULL, &node) == MPI_SUCCESS) {
    MPI_Comm_rank(node, &local_rank);
    MPI_Comm_size(node, &local_size);
    MPI_Comm_free(&node);
  }
  initialised = 1;
  return MPI_SUCCESS;
}

static napi_value init(napi_env env, napi_callback_info info) {
  if (!initialised) {
    int status = do_init();
    if (status != MPI_SUCCESS) return throw_mpi(env, "MPI_Init_thread", status);
  }
  return info_object(env);
}

typedef struct {
  int status;
  napi_deferred deferred;
  napi_async_work work;
} InitCall;

static void init_execute(napi_env env, void *data) {
  InitCall *c = data;
  c->status = initialised ? MPI_SUCCESS : do_init();
}

static void init_complete(napi_env env, napi_status status, void *data) {
  InitCall *c = data;
  if (status == napi_ok && c->status == MPI_SUCCESS) {
    napi_value obj = info_object(env);
    napi_resolve_deferred(env, c->deferred, obj);
  } else {
    napi_value text, error;
    napi_create_string_utf8(env, "polytask mpi: MPI_Init_thread failed", NAPI_AUTO_LENGTH, &text);
    napi_create_error(env, NULL, text, &error);
    napi_reject_deferred(env, c->deferred, error);
  }
  napi_delete_async_work(env, c->work);
  free(c);
}

static napi_value init_async(napi_env env, napi_callback_info info) {
  InitCall *c = calloc(1, sizeof *c);
  if (!c) {
    napi_throw_error(env, NULL, "polytask mpi: out of memory");
    return NULL;
  }
  napi_value promise, name;
  CHECK(napi_create_promise(env, &c->deferred, &promise));
  CHECK(napi_create_string_utf8(env, "MPI_Init_thread", NAPI_AUTO_LENGTH, &name));
  CHECK(napi_create_async_work(env, NULL, name, init_execute, init_complete, c, &c->work));
  CHECK(napi_queue_async_work(env, c->work));
  return promise;
}

static napi_value finalize(napi_env env, napi_callback_info info) {
  int done = 0;
  MPI_Finalized(&done);
  if (initialised && !done) {
    int status = MPI_Finalize();
    if (status != MPI_SUCCESS) return throw_mpi(env, "MPI_Finalize", status);
  }
  napi_value undefined;
  CHECK(napi_get_undefined(env, &undefined));
  return undefined;
}

/* abort(code): ends every rank of the job (the launcher sees a non-zero exit). */
static napi_value abort_job(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t code = 1;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc >= 1 && !int_arg(env, argv[0], &code)) return NULL;
  if (initialised) MPI_Abort(MPI_COMM_WORLD, code);
  exit(code);
  return NULL;
}

static napi_value module_init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"init", NULL, init, NULL, NULL, NULL, napi_default, NULL},
      {"initAsync", NULL, init_async, NULL, NULL, NULL, napi_default, NULL},
      {"allreduceSum", NULL, allreduce_sum, NULL, NULL, NULL, napi_default, NULL},
      {"allreduceSumAsync", NULL, allreduce_sum_async, NULL, NULL, NULL, napi_default, NULL},
      {"broadcast", NULL, broadcast, NULL, NULL, NULL, napi_default, NULL},
      {"broadcastAsync", NULL, broadcast_async, NULL, NULL, NULL, napi_default, NULL},
      {"barrier", NULL, barrier, NULL, NULL, NULL, napi_default, NULL},
      {"barrierAsync", NULL, barrier_async, NULL, NULL, NULL, napi_default, NULL},
      {"allgather", NULL, allgather, NULL, NULL, NULL, napi_default, NULL},
      {"finalize", NULL, finalize, NULL, NULL, NULL, napi_default, NULL},
      {"abort", NULL, abort_job, NULL, NULL, NULL, napi_default, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, module_init)
