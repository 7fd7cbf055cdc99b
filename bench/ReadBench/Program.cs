using ReadBench;

// readbench generate <data-dir> <entities>   a library in <data-dir>/media_store.db; prints the benchmark's parameters
// readbench generate <data-dir> <entities> <postgres://…>   the same library in that PostgreSQL database
// readbench bare <port> <json-file>          GET /entities/{id} answering that JSON, and nothing else
// readbench cost <db> <statements-file>       the CPU time of bench/sql-cost --print's statements on the service's SQLite
return args switch
{
    ["generate", var dir, var count] => Library.Generate(dir, int.Parse(count)),
    ["generate", var dir, var count, var url] => Library.Generate(dir, int.Parse(count), url),
    ["bare", var port, var json] => await Bare.RunAsync(int.Parse(port), File.ReadAllText(json)),
    ["cost", var db, var statements] => Cost.Run(db, statements),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: readbench generate <data-dir> <entities> [postgres://…] | readbench bare <port> <json-file> | readbench cost <db> <statements-file>");
    return 2;
}
