/*
 * oneDNN (DNNL 2.x) kernels of @polytask/cpu-kernels, compiled in only when the oneDNN headers are installed
 * (Debian/Ubuntu: libdnnl-dev). The library PyTorch's CPU convolutions run on; it picks the CPU's best instruction
 * set at run time.
 *
 * Layouts at the boundary are tfjs': NHWC activations and HWIO filters, used in place (no copy). The primitives read
 * and write the activations in nhwc directly (offered any layout instead, they pick nChw16c, as PyTorch's do, and the
 * reorders in and out made the vision step 10 % slower); only the (small) filters are reordered between HWIO and the
 * layout the primitive prefers. Primitives, their reorders and memory descriptors are cached per shape, per thread (each Node
 * environment — the main thread, a worker — has its own engine, stream, cache and scratchpad, so concurrent workers
 * never share mutable state). Every entry point returns true when it ran, false when oneDNN has no implementation for
 * the case (the caller then uses the OpenBLAS kernel); argument errors throw.
 */
#ifdef POLYTASK_ONEDNN /* the whole file: without oneDNN it compiles to nothing */
#define NAPI_VERSION 8
#include <node_api.h>

#include <oneapi/dnnl/dnnl.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "onednn.h"

extern "C" int omp_get_max_threads(void);

using dnnl::algorithm;
using dnnl::engine;
using dnnl::memory;
using dnnl::prop_kind;
using dnnl::stream;
using tag = memory::format_tag;
using dt = memory::data_type;

namespace {

struct Geom {
  int64_t n, h, w, cin, oh, ow, cout, fh, fw, sh, sw, dh, dw, pt, pl;
};

/* ------------------------------------------------------------------ N-API argument helpers */

bool argF32(napi_env env, napi_value v, float **out, size_t *len, bool allowNull = false) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok) return false;
  if (allowNull && (t == napi_null || t == napi_undefined)) {
    *out = nullptr;
    *len = 0;
    return true;
  }
  napi_typedarray_type type;
  void *data;
  napi_value ab;
  size_t off;
  if (napi_get_typedarray_info(env, v, &type, len, &data, &ab, &off) != napi_ok || type != napi_float32_array) {
    napi_throw_type_error(env, nullptr, "cpu-kernels (oneDNN): expected a Float32Array");
    return false;
  }
  *out = static_cast<float *>(data);
  return true;
}

bool argInt(napi_env env, napi_value v, int64_t min, int64_t *out) {
  double d;
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok || t != napi_number || napi_get_value_double(env, v, &d) != napi_ok ||
      d != static_cast<double>(static_cast<int64_t>(d)) || d < static_cast<double>(min) || d > 2147483647.0) {
    napi_throw_range_error(env, nullptr, "cpu-kernels (oneDNN): expected an integer size in range");
    return false;
  }
  *out = static_cast<int64_t>(d);
  return true;
}

bool argDouble(napi_env env, napi_value v, double *out) {
  if (napi_get_value_double(env, v, out) != napi_ok) {
    napi_throw_type_error(env, nullptr, "cpu-kernels (oneDNN): expected a number");
    return false;
  }
  return true;
}

bool readGeom(napi_env env, napi_value *v, Geom *g) {
  int64_t *f = &g->n;
  for (int i = 0; i < 15; i++)
    if (!argInt(env, v[i], i >= 9 && i <= 12 ? 1 : 0, &f[i])) return false;
  return true;
}

bool mulOk(int64_t *out, std::initializer_list<int64_t> f) {
  int64_t r = 1;
  for (int64_t x : f)
    if (__builtin_mul_overflow(r, x, &r)) return false;
  *out = r;
  return true;
}

bool checkSizes(napi_env env, const Geom &g, size_t lx, size_t lf, size_t ly) {
  int64_t nx, nf, ny;
  if (!mulOk(&nx, {g.n, g.h, g.w, g.cin}) || !mulOk(&nf, {g.fh, g.fw, g.cin, g.cout}) ||
      !mulOk(&ny, {g.n, g.oh, g.ow, g.cout}) || static_cast<int64_t>(lx) < nx || static_cast<int64_t>(lf) < nf ||
      static_cast<int64_t>(ly) < ny) {
    napi_throw_range_error(env, nullptr, "conv2d (oneDNN): buffer sizes do not match the geometry");
    return false;
  }
  return true;
}

napi_value boolean(napi_env env, bool b) {
  napi_value v;
  napi_get_boolean(env, b, &v);
  return v;
}

/* ------------------------------------------------------------------ convolution descriptors */

struct ConvDescs {
  memory::desc src, weightsUser, weightsAny, dst, bias;
  memory::dims strides, dilates, padL, padR;
};

/*
 * oneDNN wants the right/bottom padding explicitly; tfjs gives the output size and the top/left padding. The
 * smallest non-negative padding that reproduces tfjs' output size (oneDNN checks (in + pl + pr − ext) / s + 1 = out);
 * false when none does (then the case goes to the OpenBLAS kernel).
 */
bool padRight(int64_t in, int64_t out, int64_t k, int64_t s, int64_t d, int64_t pl, int64_t *pr) {
  const int64_t ext = (k - 1) * d + 1;
  int64_t p = (out - 1) * s + ext - in - pl;
  if (p < 0) p = 0;
  if (in + pl + p - ext < 0 || (in + pl + p - ext) / s + 1 != out) return false;
  *pr = p;
  return true;
}

bool convDescs(const Geom &g, bool withBias, ConvDescs *c) {
  int64_t pb, pr;
  if (!padRight(g.h, g.oh, g.fh, g.sh, g.dh, g.pt, &pb) || !padRight(g.w, g.ow, g.fw, g.sw, g.dw, g.pl, &pr))
    return false;
  c->src = memory::desc({g.n, g.cin, g.h, g.w}, dt::f32, tag::nhwc);
  c->dst = memory::desc({g.n, g.cout, g.oh, g.ow}, dt::f32, tag::nhwc);
  c->weightsUser = memory::desc({g.cout, g.cin, g.fh, g.fw}, dt::f32, tag::hwio);
  c->weightsAny = memory::desc({g.cout, g.cin, g.fh, g.fw}, dt::f32, tag::any);
  if (withBias) c->bias = memory::desc({g.cout}, dt::f32, tag::x);
  c->strides = {g.sh, g.sw};
  c->dilates = {g.dh - 1, g.dw - 1};
  c->padL = {g.pt, g.pl};
  c->padR = {pb, pr};
  return true;
}

std::string geomKey(const char *kind, const Geom &g) {
  std::string k(kind);
  const int64_t *f = &g.n;
  for (int i = 0; i < 15; i++) {
    k += ',';
    k += std::to_string(f[i]);
  }
  return k;
}

dnnl::convolution_forward::primitive_desc fwdPd(const engine &eng, const ConvDescs &c, bool withBias,
                                                const dnnl::primitive_attr &attr) {
  auto d = withBias ? dnnl::convolution_forward::desc(prop_kind::forward_training, algorithm::convolution_direct,
                                                      c.src, c.weightsAny, c.bias, c.dst, c.strides, c.dilates,
                                                      c.padL, c.padR)
                    : dnnl::convolution_forward::desc(prop_kind::forward_training, algorithm::convolution_direct,
                                                      c.src, c.weightsAny, c.dst, c.strides, c.dilates, c.padL,
                                                      c.padR);
  return dnnl::convolution_forward::primitive_desc(d, attr, eng);
}

/* Activation codes as in kernels.c (linear 0, relu 1, relu6 2, elu 3, leakyrelu 4, prelu 5, sigmoid 6). */
bool activationPostOp(int64_t act, double alpha, dnnl::post_ops *ops) {
  switch (act) {
    case 0:
      return true;
    case 1:
      ops->append_eltwise(1.f, algorithm::eltwise_relu, 0.f, 0.f);
      return true;
    case 2:
      ops->append_eltwise(1.f, algorithm::eltwise_clip, 0.f, 6.f);
      return true;
    case 3:
      ops->append_eltwise(1.f, algorithm::eltwise_elu, 1.f, 0.f);
      return true;
    case 4:
      ops->append_eltwise(1.f, algorithm::eltwise_relu, static_cast<float>(alpha), 0.f);
      return true;
    case 6:
      ops->append_eltwise(1.f, algorithm::eltwise_logistic, 0.f, 0.f);
      return true;
    default:
      return false; /* prelu: per-channel weights, left to the OpenBLAS kernel's epilogue */
  }
}

/*
 * A primitive's argument in the caller's buffer (user) and, when the primitive wants another layout, a buffer of its
 * layout (prim) with the reorder between the two: into prim for an input, back into user for an output.
 */
struct Bound {
  memory user, prim;
  dnnl::reorder reorder;
  bool reorders = false;
  bool input = true;
  void init(const engine &eng, const memory::desc &userDesc, const memory::desc &primDesc, bool isInput) {
    input = isInput;
    user = memory(userDesc, eng, nullptr);
    reorders = !(primDesc == userDesc);
    if (!reorders) {
      prim = user;
      return;
    }
    prim = memory(primDesc, eng);
    reorder = input ? dnnl::reorder(user, prim) : dnnl::reorder(prim, user);
  }
  /* The memory to pass the primitive for the caller's data (an input is reordered now). */
  memory bind(stream &s, float *data) {
    user.set_data_handle(data);
    if (reorders && input) reorder.execute(s, user, prim);
    return prim;
  }
  /* After the primitive ran: an output is reordered into the caller's buffer. */
  void finish(stream &s) {
    if (reorders && !input) reorder.execute(s, prim, user);
  }
};

struct ConvFwd {
  dnnl::convolution_forward prim;
  Bound src, weights, dst;
  memory bias;
  memory::desc scratch;
};

struct ConvBwdData {
  dnnl::convolution_backward_data prim;
  Bound diffDst, weights, diffSrc;
  memory::desc scratch;
};

struct ConvBwdWeights {
  dnnl::convolution_backward_weights prim;
  Bound src, diffDst, diffWeights;
  memory::desc scratch;
};

struct Eltwise {
  dnnl::eltwise_forward prim;
  memory src, dst;
  memory::desc scratch;
};

struct Binary {
  dnnl::binary prim;
  memory src0, src1, dst;
  memory::desc scratch;
};

struct BnormFwd {
  dnnl::batch_normalization_forward prim;
  memory src, dst, scale, shift, mean, variance, workspace;
  memory::desc scratch;
};

struct BnormBwd {
  dnnl::batch_normalization_backward prim;
  /* shift: the backward reads a shift argument (use_shift) although the gradients do not depend on it: zeros. */
  memory src, diffDst, diffSrc, scale, shift, diffScale, diffShift, mean, variance, workspace;
  memory::desc scratch;
};

/* Per-thread state: engine, stream, primitive cache and the grow-only scratchpad. */

struct State {
  engine eng{engine::kind::cpu, 0};
  stream strm{eng};
  std::unordered_map<std::string, std::unique_ptr<ConvFwd>> fwd;
  std::unordered_map<std::string, std::unique_ptr<ConvBwdData>> bwdData;
  std::unordered_map<std::string, std::unique_ptr<ConvBwdWeights>> bwdWeights;
  std::unordered_map<std::string, std::unique_ptr<BnormFwd>> bnFwd;
  std::unordered_map<std::string, std::unique_ptr<BnormBwd>> bnBwd;
  std::unordered_map<std::string, std::unique_ptr<Eltwise>> eltwise;
  std::unordered_map<std::string, std::unique_ptr<Binary>> binary;
  std::vector<uint8_t> scratch;
  /* Shapes oneDNN has no implementation for: remembered so the failed primitive-desc search is not repeated. */
  std::unordered_map<std::string, bool> unsupported;
};

State &state() {
  static thread_local State s;
  return s;
}

memory scratchpad(State &s, const memory::desc &d) {
  size_t need = d.get_size();
  if (s.scratch.size() < need) s.scratch.resize(need);
  return memory(d, s.eng, need ? s.scratch.data() : nullptr);
}

dnnl::primitive_attr userScratchpad() {
  dnnl::primitive_attr a;
  a.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  return a;
}

/* Runs f(); a oneDNN error means "no implementation for this case": remembered per key, reported as false. */
template <typename F>
bool guarded(State &s, const std::string &key, F f) {
  if (s.unsupported.count(key)) return false;
  try {
    f();
    return true;
  } catch (const dnnl::error &e) {
    /* POLYTASK_ONEDNN_DEBUG=1: say which case oneDNN declined, and why. */
    static const bool debug = getenv("POLYTASK_ONEDNN_DEBUG") && getenv("POLYTASK_ONEDNN_DEBUG")[0] == '1';
    if (debug) fprintf(stderr, "[@polytask/cpu-kernels] oneDNN declined %s: %s\n", key.c_str(), e.what());
    s.unsupported[key] = true;
    return false;
  }
}

/* dnnlConv2d(x, filter, y, n, h, w, cin, oh, ow, cout, fh, fw, sh, sw, dh, dw, pt, pl, bias|null, act, alpha) */
napi_value Conv2d(napi_env env, napi_callback_info info) {
  size_t argc = 21;
  napi_value argv[21];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc < 21) {
    napi_throw_error(env, nullptr, "dnnlConv2d: too few arguments");
    return nullptr;
  }
  float *x, *f, *y, *bias;
  size_t lx, lf, ly, lb;
  Geom g;
  int64_t act;
  double alpha;
  if (!argF32(env, argv[0], &x, &lx) || !argF32(env, argv[1], &f, &lf) || !argF32(env, argv[2], &y, &ly) ||
      !readGeom(env, argv + 3, &g) || !argF32(env, argv[18], &bias, &lb, true) || !argInt(env, argv[19], 0, &act) ||
      !argDouble(env, argv[20], &alpha) || !checkSizes(env, g, lx, lf, ly))
    return nullptr;
  if (bias && lb != static_cast<size_t>(g.cout)) return boolean(env, false);
  State &s = state();
  std::string key = geomKey(bias ? "fb" : "f", g) + ',' + std::to_string(act) + ',' + std::to_string(alpha);
  bool ok = guarded(s, key, [&] {
    auto it = s.fwd.find(key);
    if (it == s.fwd.end()) {
      ConvDescs c;
      if (!convDescs(g, bias != nullptr, &c)) throw dnnl::error(dnnl_unimplemented, "padding");
      dnnl::post_ops ops;
      if (!activationPostOp(act, alpha, &ops)) throw dnnl::error(dnnl_unimplemented, "activation");
      auto attr = userScratchpad();
      attr.set_post_ops(ops);
      auto pd = fwdPd(s.eng, c, bias != nullptr, attr);
      auto e = std::make_unique<ConvFwd>();
      e->prim = dnnl::convolution_forward(pd);
      e->src.init(s.eng, c.src, pd.src_desc(), true);
      e->dst.init(s.eng, c.dst, pd.dst_desc(), false);
      if (bias) e->bias = memory(c.bias, s.eng, nullptr);
      e->weights.init(s.eng, c.weightsUser, pd.weights_desc(), true);
      e->scratch = pd.scratchpad_desc();
      it = s.fwd.emplace(key, std::move(e)).first;
    }
    ConvFwd &e = *it->second;
    std::unordered_map<int, memory> args{{DNNL_ARG_SRC, e.src.bind(s.strm, x)},
                                         {DNNL_ARG_WEIGHTS, e.weights.bind(s.strm, f)},
                                         {DNNL_ARG_DST, e.dst.bind(s.strm, y)},
                                         {DNNL_ARG_SCRATCHPAD, scratchpad(s, e.scratch)}};
    if (bias) {
      e.bias.set_data_handle(bias);
      args[DNNL_ARG_BIAS] = e.bias;
    }
    e.prim.execute(s.strm, args);
    e.dst.finish(s.strm);
    s.strm.wait();
  });
  return boolean(env, ok);
}

/* dnnlConv2dBackpropInput(dy, filter, dx, geometry...) */
napi_value Conv2dBackpropInput(napi_env env, napi_callback_info info) {
  size_t argc = 18;
  napi_value argv[18];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc < 18) {
    napi_throw_error(env, nullptr, "dnnlConv2dBackpropInput: too few arguments");
    return nullptr;
  }
  float *dy, *f, *dx;
  size_t ldy, lf, ldx;
  Geom g;
  if (!argF32(env, argv[0], &dy, &ldy) || !argF32(env, argv[1], &f, &lf) || !argF32(env, argv[2], &dx, &ldx) ||
      !readGeom(env, argv + 3, &g) || !checkSizes(env, g, ldx, lf, ldy))
    return nullptr;
  State &s = state();
  std::string key = geomKey("d", g);
  bool ok = guarded(s, key, [&] {
    auto it = s.bwdData.find(key);
    if (it == s.bwdData.end()) {
      ConvDescs c;
      if (!convDescs(g, false, &c)) throw dnnl::error(dnnl_unimplemented, "padding");
      auto hint = fwdPd(s.eng, c, false, dnnl::primitive_attr());
      auto d = dnnl::convolution_backward_data::desc(algorithm::convolution_direct, c.src, c.weightsAny, c.dst,
                                                     c.strides, c.dilates, c.padL, c.padR);
      auto pd = dnnl::convolution_backward_data::primitive_desc(d, userScratchpad(), s.eng, hint);
      auto e = std::make_unique<ConvBwdData>();
      e->prim = dnnl::convolution_backward_data(pd);
      e->diffDst.init(s.eng, c.dst, pd.diff_dst_desc(), true);
      e->diffSrc.init(s.eng, c.src, pd.diff_src_desc(), false);
      e->weights.init(s.eng, c.weightsUser, pd.weights_desc(), true);
      e->scratch = pd.scratchpad_desc();
      it = s.bwdData.emplace(key, std::move(e)).first;
    }
    ConvBwdData &e = *it->second;
    e.prim.execute(s.strm, {{DNNL_ARG_DIFF_DST, e.diffDst.bind(s.strm, dy)},
                            {DNNL_ARG_WEIGHTS, e.weights.bind(s.strm, f)},
                            {DNNL_ARG_DIFF_SRC, e.diffSrc.bind(s.strm, dx)},
                            {DNNL_ARG_SCRATCHPAD, scratchpad(s, e.scratch)}});
    e.diffSrc.finish(s.strm);
    s.strm.wait();
  });
  return boolean(env, ok);
}

/* dnnlConv2dBackpropFilter(x, dy, dw, geometry...) */
napi_value Conv2dBackpropFilter(napi_env env, napi_callback_info info) {
  size_t argc = 18;
  napi_value argv[18];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc < 18) {
    napi_throw_error(env, nullptr, "dnnlConv2dBackpropFilter: too few arguments");
    return nullptr;
  }
  float *x, *dy, *dw;
  size_t lx, ldy, ldw;
  Geom g;
  if (!argF32(env, argv[0], &x, &lx) || !argF32(env, argv[1], &dy, &ldy) || !argF32(env, argv[2], &dw, &ldw) ||
      !readGeom(env, argv + 3, &g) || !checkSizes(env, g, lx, ldw, ldy))
    return nullptr;
  State &s = state();
  std::string key = geomKey("w", g);
  bool ok = guarded(s, key, [&] {
    auto it = s.bwdWeights.find(key);
    if (it == s.bwdWeights.end()) {
      ConvDescs c;
      if (!convDescs(g, false, &c)) throw dnnl::error(dnnl_unimplemented, "padding");
      auto hint = fwdPd(s.eng, c, false, dnnl::primitive_attr());
      auto d = dnnl::convolution_backward_weights::desc(algorithm::convolution_direct, c.src, c.weightsAny,
                                                        c.dst, c.strides, c.dilates, c.padL, c.padR);
      auto pd = dnnl::convolution_backward_weights::primitive_desc(d, userScratchpad(), s.eng, hint);
      auto e = std::make_unique<ConvBwdWeights>();
      e->prim = dnnl::convolution_backward_weights(pd);
      e->src.init(s.eng, c.src, pd.src_desc(), true);
      e->diffDst.init(s.eng, c.dst, pd.diff_dst_desc(), true);
      e->diffWeights.init(s.eng, c.weightsUser, pd.diff_weights_desc(), false);
      e->scratch = pd.scratchpad_desc();
      it = s.bwdWeights.emplace(key, std::move(e)).first;
    }
    ConvBwdWeights &e = *it->second;
    e.prim.execute(s.strm, {{DNNL_ARG_SRC, e.src.bind(s.strm, x)},
                            {DNNL_ARG_DIFF_DST, e.diffDst.bind(s.strm, dy)},
                            {DNNL_ARG_DIFF_WEIGHTS, e.diffWeights.bind(s.strm, dw)},
                            {DNNL_ARG_SCRATCHPAD, scratchpad(s, e.scratch)}});
    e.diffWeights.finish(s.strm);
    s.strm.wait();
  });
  return boolean(env, ok);
}

/* ------------------------------------------------------------------ batch normalisation (training) */

/*
 * The channels-last tensor as oneDNN's {1, C, rows, 1} in nhwc: the same bytes as [..., C] row-major, and the same
 * statistics (over every row). Measured: {rows, C, 1, 1} runs 20–40× slower (the jit kernel splits the work by
 * minibatch and then walks one row per step).
 */
memory::desc bnDesc(int64_t rows, int64_t c) { return memory::desc({1, c, rows, 1}, dt::f32, tag::nhwc); }

dnnl::normalization_flags bnFlags(bool relu) {
  auto f = dnnl::normalization_flags::use_scale | dnnl::normalization_flags::use_shift;
  return relu ? f | dnnl::normalization_flags::fuse_norm_relu : f;
}

/*
 * The fused ReLU's workspace (which outputs were positive, for the backward pass) lives in a caller buffer of
 * rows · channels bytes: oneDNN's is at most a byte per element. False (not fused) when a build wants more.
 */
bool workspaceFits(const memory::desc &d, size_t bytes) { return d.get_size() <= bytes; }

/*
 * dnnlBatchNormForward(x, gamma, beta, y, mean, variance, rows, channels, epsilon[, workspace]): batch statistics,
 * biased variance. With a workspace (rows · channels bytes, any typed array's buffer) y = relu(batch norm) and the
 * workspace keeps what the backward pass needs.
 */
napi_value BatchNormForward(napi_env env, napi_callback_info info) {
  size_t argc = 10;
  napi_value argv[10];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc < 9) {
    napi_throw_error(env, nullptr, "dnnlBatchNormForward: too few arguments");
    return nullptr;
  }
  float *p[6];
  size_t l[6];
  for (int i = 0; i < 6; i++)
    if (!argF32(env, argv[i], &p[i], &l[i])) return nullptr;
  int64_t rows, c;
  double eps;
  if (!argInt(env, argv[6], 1, &rows) || !argInt(env, argv[7], 1, &c) || !argDouble(env, argv[8], &eps)) return nullptr;
  float *ws = nullptr;
  size_t lws = 0;
  if (argc > 9 && !argF32(env, argv[9], &ws, &lws, true)) return nullptr;
  const bool relu = ws != nullptr;
  int64_t total;
  if (!mulOk(&total, {rows, c}) || static_cast<int64_t>(l[0]) < total || static_cast<int64_t>(l[3]) < total ||
      static_cast<int64_t>(l[1]) < c || static_cast<int64_t>(l[2]) < c || static_cast<int64_t>(l[4]) < c ||
      static_cast<int64_t>(l[5]) < c || (relu && static_cast<int64_t>(lws * sizeof(float)) < total)) {
    napi_throw_range_error(env, nullptr, "dnnlBatchNormForward: buffer sizes do not match");
    return nullptr;
  }
  State &s = state();
  std::string key = std::string(relu ? "bfr," : "bf,") + std::to_string(rows) + ',' + std::to_string(c) + ',' +
                    std::to_string(eps);
  bool ok = guarded(s, key, [&] {
    auto it = s.bnFwd.find(key);
    if (it == s.bnFwd.end()) {
      auto md = bnDesc(rows, c);
      auto d = dnnl::batch_normalization_forward::desc(prop_kind::forward_training, md, static_cast<float>(eps),
                                                       bnFlags(relu));
      auto pd = dnnl::batch_normalization_forward::primitive_desc(d, userScratchpad(), s.eng);
      if (relu && !workspaceFits(pd.workspace_desc(), static_cast<size_t>(total)))
        throw dnnl::error(dnnl_unimplemented, "workspace");
      auto e = std::make_unique<BnormFwd>();
      e->prim = dnnl::batch_normalization_forward(pd);
      e->src = memory(md, s.eng, nullptr);
      e->dst = memory(md, s.eng, nullptr);
      e->scale = memory(pd.weights_desc(), s.eng, nullptr);
      e->shift = memory(pd.weights_desc(), s.eng, nullptr);
      e->mean = memory(pd.mean_desc(), s.eng, nullptr);
      e->variance = memory(pd.variance_desc(), s.eng, nullptr);
      if (relu) e->workspace = memory(pd.workspace_desc(), s.eng, nullptr);
      e->scratch = pd.scratchpad_desc();
      it = s.bnFwd.emplace(key, std::move(e)).first;
    }
    BnormFwd &e = *it->second;
    e.src.set_data_handle(p[0]);
    e.scale.set_data_handle(p[1]);
    e.shift.set_data_handle(p[2]);
    e.dst.set_data_handle(p[3]);
    e.mean.set_data_handle(p[4]);
    e.variance.set_data_handle(p[5]);
    std::unordered_map<int, memory> args{{DNNL_ARG_SRC, e.src},           {DNNL_ARG_SCALE, e.scale},
                                         {DNNL_ARG_SHIFT, e.shift},       {DNNL_ARG_DST, e.dst},
                                         {DNNL_ARG_MEAN, e.mean},         {DNNL_ARG_VARIANCE, e.variance},
                                         {DNNL_ARG_SCRATCHPAD, scratchpad(s, e.scratch)}};
    if (relu) {
      e.workspace.set_data_handle(ws);
      args[DNNL_ARG_WORKSPACE] = e.workspace;
    }
    e.prim.execute(s.strm, args);
    s.strm.wait();
  });
  return boolean(env, ok);
}

/*
 * dnnlBatchNormBackward(x, dy, gamma, mean, variance, dx, dgamma, dbeta, rows, channels, epsilon[, workspace]): with
 * the forward pass's workspace, the gradient of relu(batch norm).
 */
napi_value BatchNormBackward(napi_env env, napi_callback_info info) {
  size_t argc = 12;
  napi_value argv[12];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc < 11) {
    napi_throw_error(env, nullptr, "dnnlBatchNormBackward: too few arguments");
    return nullptr;
  }
  float *p[8];
  size_t l[8];
  for (int i = 0; i < 8; i++)
    if (!argF32(env, argv[i], &p[i], &l[i])) return nullptr;
  int64_t rows, c;
  double eps;
  if (!argInt(env, argv[8], 1, &rows) || !argInt(env, argv[9], 1, &c) || !argDouble(env, argv[10], &eps))
    return nullptr;
  float *ws = nullptr;
  size_t lws = 0;
  if (argc > 11 && !argF32(env, argv[11], &ws, &lws, true)) return nullptr;
  const bool relu = ws != nullptr;
  int64_t total;
  bool sizes = mulOk(&total, {rows, c}) && (!relu || static_cast<int64_t>(lws * sizeof(float)) >= total);
  for (int i = 0; i < 8 && sizes; i++)
    sizes = static_cast<int64_t>(l[i]) >= (i == 0 || i == 1 || i == 5 ? total : c);
  if (!sizes) {
    napi_throw_range_error(env, nullptr, "dnnlBatchNormBackward: buffer sizes do not match");
    return nullptr;
  }
  State &s = state();
  std::string key = std::string(relu ? "bbr," : "bb,") + std::to_string(rows) + ',' + std::to_string(c) + ',' +
                    std::to_string(eps);
  bool ok = guarded(s, key, [&] {
    auto it = s.bnBwd.find(key);
    if (it == s.bnBwd.end()) {
      auto md = bnDesc(rows, c);
      auto flags = bnFlags(relu);
      auto hd = dnnl::batch_normalization_forward::desc(prop_kind::forward_training, md, static_cast<float>(eps), flags);
      auto hint = dnnl::batch_normalization_forward::primitive_desc(hd, s.eng);
      auto d = dnnl::batch_normalization_backward::desc(prop_kind::backward, md, md, static_cast<float>(eps), flags);
      auto pd = dnnl::batch_normalization_backward::primitive_desc(d, userScratchpad(), s.eng, hint);
      if (relu && !workspaceFits(pd.workspace_desc(), static_cast<size_t>(total)))
        throw dnnl::error(dnnl_unimplemented, "workspace");
      auto e = std::make_unique<BnormBwd>();
      e->prim = dnnl::batch_normalization_backward(pd);
      e->src = memory(md, s.eng, nullptr);
      e->diffDst = memory(md, s.eng, nullptr);
      e->diffSrc = memory(md, s.eng, nullptr);
      e->scale = memory(pd.weights_desc(), s.eng, nullptr);
      e->shift = memory(pd.weights_desc(), s.eng);
      std::memset(e->shift.get_data_handle(), 0, pd.weights_desc().get_size());
      e->diffScale = memory(pd.diff_weights_desc(), s.eng, nullptr);
      e->diffShift = memory(pd.diff_weights_desc(), s.eng, nullptr);
      e->mean = memory(pd.mean_desc(), s.eng, nullptr);
      e->variance = memory(pd.variance_desc(), s.eng, nullptr);
      if (relu) e->workspace = memory(pd.workspace_desc(), s.eng, nullptr);
      e->scratch = pd.scratchpad_desc();
      it = s.bnBwd.emplace(key, std::move(e)).first;
    }
    BnormBwd &e = *it->second;
    e.src.set_data_handle(p[0]);
    e.diffDst.set_data_handle(p[1]);
    e.scale.set_data_handle(p[2]);
    e.mean.set_data_handle(p[3]);
    e.variance.set_data_handle(p[4]);
    e.diffSrc.set_data_handle(p[5]);
    e.diffScale.set_data_handle(p[6]);
    e.diffShift.set_data_handle(p[7]);
    std::unordered_map<int, memory> args{{DNNL_ARG_SRC, e.src},
                                         {DNNL_ARG_DIFF_DST, e.diffDst},
                                         {DNNL_ARG_SCALE, e.scale},
                                         {DNNL_ARG_SHIFT, e.shift},
                                         {DNNL_ARG_MEAN, e.mean},
                                         {DNNL_ARG_VARIANCE, e.variance},
                                         {DNNL_ARG_DIFF_SRC, e.diffSrc},
                                         {DNNL_ARG_DIFF_SCALE, e.diffScale},
                                         {DNNL_ARG_DIFF_SHIFT, e.diffShift},
                                         {DNNL_ARG_SCRATCHPAD, scratchpad(s, e.scratch)}};
    if (relu) {
      e.workspace.set_data_handle(ws);
      args[DNNL_ARG_WORKSPACE] = e.workspace;
    }
    e.prim.execute(s.strm, args);
    s.strm.wait();
  });
  return boolean(env, ok);
}

/* ------------------------------------------------------------------ element-wise (large tensors) */

/* Unary codes: exp 0, log 1, sigmoid 2, tanh 3, relu 4, sqrt 5, square 6, abs 7, linear 8 (alpha·x + beta). */
bool eltwiseAlg(int64_t code, algorithm *alg) {
  static const algorithm algs[] = {algorithm::eltwise_exp,  algorithm::eltwise_log,    algorithm::eltwise_logistic,
                                   algorithm::eltwise_tanh, algorithm::eltwise_relu,   algorithm::eltwise_sqrt,
                                   algorithm::eltwise_square, algorithm::eltwise_abs, algorithm::eltwise_linear};
  if (code < 0 || code >= static_cast<int64_t>(sizeof algs / sizeof algs[0])) return false;
  *alg = algs[code];
  return true;
}

/* dnnlEltwise(code, x, y, alpha, beta): y = f(x) over all of x (y at least as long). */
napi_value EltwiseFn(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc < 5) {
    napi_throw_error(env, nullptr, "dnnlEltwise: too few arguments");
    return nullptr;
  }
  int64_t code;
  float *x, *y;
  size_t lx, ly;
  double alpha, beta;
  if (!argInt(env, argv[0], 0, &code) || !argF32(env, argv[1], &x, &lx) || !argF32(env, argv[2], &y, &ly) ||
      !argDouble(env, argv[3], &alpha) || !argDouble(env, argv[4], &beta))
    return nullptr;
  algorithm alg;
  if (!eltwiseAlg(code, &alg) || ly < lx) {
    napi_throw_range_error(env, nullptr, "dnnlEltwise: unknown operation or output too small");
    return nullptr;
  }
  if (lx == 0) return boolean(env, true);
  State &s = state();
  std::string key = "e," + std::to_string(code) + ',' + std::to_string(lx) + ',' + std::to_string(alpha) + ',' +
                    std::to_string(beta);
  bool ok = guarded(s, key, [&] {
    auto it = s.eltwise.find(key);
    if (it == s.eltwise.end()) {
      memory::desc md({static_cast<int64_t>(lx)}, dt::f32, tag::a);
      auto d = dnnl::eltwise_forward::desc(prop_kind::forward_inference, alg, md, static_cast<float>(alpha),
                                           static_cast<float>(beta));
      auto pd = dnnl::eltwise_forward::primitive_desc(d, userScratchpad(), s.eng);
      auto e = std::make_unique<Eltwise>();
      e->prim = dnnl::eltwise_forward(pd);
      e->src = memory(md, s.eng, nullptr);
      e->dst = memory(md, s.eng, nullptr);
      e->scratch = pd.scratchpad_desc();
      it = s.eltwise.emplace(key, std::move(e)).first;
    }
    Eltwise &e = *it->second;
    e.src.set_data_handle(x);
    e.dst.set_data_handle(y);
    e.prim.execute(s.strm, {{DNNL_ARG_SRC, e.src}, {DNNL_ARG_DST, e.dst}, {DNNL_ARG_SCRATCHPAD, scratchpad(s, e.scratch)}});
    s.strm.wait();
  });
  return boolean(env, ok);
}

bool argDims(napi_env env, napi_value v, memory::dims *dims) {
  uint32_t n;
  if (napi_get_array_length(env, v, &n) != napi_ok || n < 1 || n > 6) {
    napi_throw_range_error(env, nullptr, "dnnlBinary: expected 1 to 6 dimensions");
    return false;
  }
  dims->resize(n);
  for (uint32_t i = 0; i < n; i++) {
    napi_value e;
    int64_t d;
    if (napi_get_element(env, v, i, &e) != napi_ok || !argInt(env, e, 1, &d)) return false;
    (*dims)[i] = d;
  }
  return true;
}

/* Row-major (dense, last dimension fastest) descriptor of any rank. */
memory::desc rowMajor(const memory::dims &dims, dt type) {
  memory::dims strides(dims.size());
  int64_t acc = 1;
  for (size_t i = dims.size(); i-- > 0;) {
    strides[i] = acc;
    acc *= dims[i];
  }
  return memory::desc(dims, type, strides);
}

bool argU8(napi_env env, napi_value v, uint8_t **out, size_t *len) {
  napi_typedarray_type type;
  void *data;
  napi_value ab;
  size_t off;
  if (napi_get_typedarray_info(env, v, &type, len, &data, &ab, &off) != napi_ok || type != napi_uint8_array) {
    napi_throw_type_error(env, nullptr, "cpu-kernels (oneDNN): expected a Uint8Array");
    return false;
  }
  *out = static_cast<uint8_t *>(data);
  return true;
}

/*
 * dnnlBinary(code, a, aDims, b, bDims, y): y = a op b, codes add 0, sub 1, mul 2, div 3, max 4, min 5, and the
 * comparisons ge 6, gt 7, le 8, lt 9, eq 10, ne 11, whose y is a Uint8Array of 0 / 1 (tfjs' bool storage). aDims is
 * the output shape; bDims has the same rank, each dimension equal to a's or 1 (broadcast).
 */
napi_value BinaryFn(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc < 6) {
    napi_throw_error(env, nullptr, "dnnlBinary: too few arguments");
    return nullptr;
  }
  static const algorithm algs[] = {algorithm::binary_add, algorithm::binary_sub, algorithm::binary_mul,
                                   algorithm::binary_div, algorithm::binary_max, algorithm::binary_min,
                                   algorithm::binary_ge,  algorithm::binary_gt,  algorithm::binary_le,
                                   algorithm::binary_lt,  algorithm::binary_eq,  algorithm::binary_ne};
  const int64_t codes = static_cast<int64_t>(sizeof algs / sizeof algs[0]);
  int64_t code;
  float *a, *b;
  void *y = nullptr;
  size_t la, lb, ly;
  memory::dims da, db;
  if (!argInt(env, argv[0], 0, &code) || !argF32(env, argv[1], &a, &la) || !argDims(env, argv[2], &da) ||
      !argF32(env, argv[3], &b, &lb) || !argDims(env, argv[4], &db))
    return nullptr;
  const bool comparison = code >= 6;
  if (comparison) {
    uint8_t *y8;
    if (!argU8(env, argv[5], &y8, &ly)) return nullptr;
    y = y8;
  } else {
    float *yf;
    if (!argF32(env, argv[5], &yf, &ly)) return nullptr;
    y = yf;
  }
  int64_t na = 1, nb = 1;
  bool shapes = code < codes && da.size() == db.size();
  for (size_t i = 0; shapes && i < da.size(); i++) {
    shapes = db[i] == da[i] || db[i] == 1;
    na *= da[i];
    nb *= db[i];
  }
  if (!shapes || static_cast<int64_t>(la) < na || static_cast<int64_t>(lb) < nb || static_cast<int64_t>(ly) < na) {
    napi_throw_range_error(env, nullptr, "dnnlBinary: unknown operation or shapes / buffers that do not match");
    return nullptr;
  }
  State &s = state();
  std::string key = "b," + std::to_string(code);
  for (auto d : da) key += ',' + std::to_string(d);
  key += '/';
  for (auto d : db) key += ',' + std::to_string(d);
  bool ok = guarded(s, key, [&] {
    auto it = s.binary.find(key);
    if (it == s.binary.end()) {
      auto ma = rowMajor(da, dt::f32), mb = rowMajor(db, dt::f32), my = rowMajor(da, comparison ? dt::u8 : dt::f32);
      auto d = dnnl::binary::desc(algs[code], ma, mb, my);
      auto pd = dnnl::binary::primitive_desc(d, userScratchpad(), s.eng);
      auto e = std::make_unique<Binary>();
      e->prim = dnnl::binary(pd);
      e->src0 = memory(ma, s.eng, nullptr);
      e->src1 = memory(mb, s.eng, nullptr);
      e->dst = memory(my, s.eng, nullptr);
      e->scratch = pd.scratchpad_desc();
      it = s.binary.emplace(key, std::move(e)).first;
    }
    Binary &e = *it->second;
    e.src0.set_data_handle(a);
    e.src1.set_data_handle(b);
    e.dst.set_data_handle(y);
    e.prim.execute(s.strm, {{DNNL_ARG_SRC_0, e.src0},
                            {DNNL_ARG_SRC_1, e.src1},
                            {DNNL_ARG_DST, e.dst},
                            {DNNL_ARG_SCRATCHPAD, scratchpad(s, e.scratch)}});
    s.strm.wait();
  });
  return boolean(env, ok);
}

const char *isaName(dnnl::cpu_isa isa) {
  switch (isa) {
    case dnnl::cpu_isa::sse41:
      return "sse41";
    case dnnl::cpu_isa::avx:
      return "avx";
    case dnnl::cpu_isa::avx2:
      return "avx2";
    case dnnl::cpu_isa::avx2_vnni:
      return "avx2_vnni";
    case dnnl::cpu_isa::avx512_core:
      return "avx512_core";
    case dnnl::cpu_isa::avx512_core_vnni:
      return "avx512_core_vnni";
    case dnnl::cpu_isa::avx512_core_bf16:
      return "avx512_core_bf16";
    case dnnl::cpu_isa::avx512_core_amx:
      return "avx512_core_amx";
    default:
      return "other";
  }
}

}  // namespace

extern "C" int polytask_onednn_info(napi_env env, napi_value obj) {
  const dnnl_version_t *v = dnnl_version();
  char version[64];
  snprintf(version, sizeof version, "%d.%d.%d", v->major, v->minor, v->patch);
  napi_value o, s, n;
  if (napi_create_object(env, &o) != napi_ok) return 0;
  napi_create_string_utf8(env, version, NAPI_AUTO_LENGTH, &s);
  napi_set_named_property(env, o, "version", s);
  napi_create_string_utf8(env, isaName(dnnl::get_effective_cpu_isa()), NAPI_AUTO_LENGTH, &s);
  napi_set_named_property(env, o, "isa", s);
  napi_create_int32(env, omp_get_max_threads(), &n);
  napi_set_named_property(env, o, "threads", n);
  return napi_set_named_property(env, obj, "onednn", o) == napi_ok;
}

extern "C" int polytask_onednn_register(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"dnnlConv2d", nullptr, Conv2d, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"dnnlConv2dBackpropInput", nullptr, Conv2dBackpropInput, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"dnnlConv2dBackpropFilter", nullptr, Conv2dBackpropFilter, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"dnnlBatchNormForward", nullptr, BatchNormForward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"dnnlBatchNormBackward", nullptr, BatchNormBackward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"dnnlEltwise", nullptr, EltwiseFn, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"dnnlBinary", nullptr, BinaryFn, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  return napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props) == napi_ok;
}

#endif /* POLYTASK_ONEDNN */
