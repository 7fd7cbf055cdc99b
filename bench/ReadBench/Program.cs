using ReadBench;

// readbench generate <data-dir> <entities>   a library in <data-dir>/media_store.db; prints the benchmark's parameters
// readbench generate <data-dir> <entities> <postgres://…>   the same library in that PostgreSQL database
// readbench bare <port> <json-file>          GET /entities/{id} answering that JSON, and nothing else
// readbench cost <db> <statements-file> [sql...]  the CPU time of bench/sql-cost --print's statements on the service's SQLite
//                                              (each sql run first on the connection: a PRAGMA to compare)
// readbench writes <db> <n>                   the CPU time the search triggers cost an insert and a label change,
//                                              without and with 64 kept search counts (sql/0013); rolled back
// readbench commits <db> <n>                  the CPU time each group of triggers costs a committed insert (copies of <db>)
return args switch
{
    ["generate", var dir, var count] => Library.Generate(dir, int.Parse(count)),
    ["generate", var dir, var count, var url] => Library.Generate(dir, int.Parse(count), url),
    ["bare", var port, var json] => await Bare.RunAsync(int.Parse(port), File.ReadAllText(json)),
    ["cost", var db, var statements, .. var setup] => Cost.Run(db, statements, setup),
    ["writes", var db, var count] => Writes.Run(db, int.Parse(count)),
    ["commits", var db, var count] => Commits.Run(db, int.Parse(count)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: readbench generate <data-dir> <entities> [postgres://…] | readbench bare <port> <json-file> | readbench cost <db> <statements-file> [sql...] | readbench writes <db> <n> | readbench commits <db> <n>");
    return 2;
}
