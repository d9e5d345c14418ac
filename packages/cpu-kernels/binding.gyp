{
  "targets": [
    {
      "target_name": "cpu_kernels",
      "sources": ["src/kernels.c"],
      "include_dirs": ["/usr/include/openblas", "/usr/include/x86_64-linux-gnu/openblas-pthread", "/usr/include/aarch64-linux-gnu/openblas-pthread"],
      "cflags": ["-O3", "-fno-math-errno", "-fno-trapping-math", "-std=c11", "-Wall", "-Wno-unused-parameter"],
      "libraries": ["-lopenblas"],
      "defines": ["NAPI_DISABLE_CPP_EXCEPTIONS"]
    }
  ]
}
