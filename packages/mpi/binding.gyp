{
  "targets": [
    {
      "target_name": "polytask_mpi",
      "sources": ["src/mpi.c"],
      "cflags": ["-O2", "-std=c11", "-Wall", "-Wno-unused-parameter", "<!@(node scripts/flags.js compile)"],
      "libraries": ["<!@(node scripts/flags.js link)"]
    }
  ]
}
