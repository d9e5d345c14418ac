/* Entry points of the oneDNN part of the addon (src/onednn.cc), built only with POLYTASK_ONEDNN defined. */
#ifndef POLYTASK_ONEDNN_H
#define POLYTASK_ONEDNN_H
#include <node_api.h>
#ifdef __cplusplus
extern "C" {
#endif
/* Adds the dnnl* functions to exports; 0 on failure. */
int polytask_onednn_register(napi_env env, napi_value exports);
/* Sets obj.onednn = { version, isa, threads }; 0 on failure. */
int polytask_onednn_info(napi_env env, napi_value obj);
/* oneDNN's (OpenMP's) thread count for primitives run from the calling thread. */
int polytask_onednn_threads(void);
void polytask_onednn_set_threads(int n);
#ifdef __cplusplus
}
#endif
#endif
