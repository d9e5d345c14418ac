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
#ifdef __cplusplus
}
#endif
#endif
