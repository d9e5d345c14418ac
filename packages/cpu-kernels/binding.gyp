{
  "targets": [
    {
      "target_name": "cpu_kernels",
      "sources": ["src/kernels.c", "src/onednn.cc"],
      "include_dirs": ["/usr/include/openblas", "/usr/include/x86_64-linux-gnu/openblas-pthread", "/usr/include/aarch64-linux-gnu/openblas-pthread"],
      "cflags": ["-O3", "-fno-math-errno", "-fno-trapping-math", "-fopenmp", "-Wall", "-Wno-unused-parameter"],
      "cflags_c": ["-std=c11"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-fexceptions"],
      "libraries": ["-lopenblas", "-fopenmp", "<!@(node scripts/gyp-flags.js libraries)"],
      "defines": ["NAPI_DISABLE_CPP_EXCEPTIONS", "<!@(node scripts/gyp-flags.js defines)"]
    }
  ]
}
