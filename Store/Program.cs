using Store.Data;
using Store.Hosting;
using Store.Media;
using Store.Ops.Backup;
using Store.Ops.Import;
using Store.Ops.Verify;
using Store.Worker;

// Before the threads that would each take an arena of their own (see NativeHeap).
NativeHeap.LimitArenas(Environment.GetEnvironmentVariable);
NativeHeap.FixMmapThreshold(Environment.GetEnvironmentVariable);

try
{
    var cli = Cli.Parse(args);
    switch (cli.Command)
    {
        case "help":
            Console.WriteLine(Cli.Usage);
            return 0;
        case "worker":
            return await WorkerCommand.MainAsync(cli.Rest);
        case "import":
            return await ImportCommand.MainAsync(cli.Rest);
    }

    var settings = cli.Apply(StoreSettings.FromEnvironment(Environment.GetEnvironmentVariable));
    switch (cli.Command)
    {
        case "backup": return BackupCommand.Run(settings.Ops, cli.Rest, Console.Out, Console.Error);
        case "verify": return VerifyCommand.Run(settings.Ops, cli.Rest, Console.Out, Console.Error);
    }
    if (cli.Command == "migrate")
    {
        Migrator.Run(settings.Data);
        Console.WriteLine($"Migrations applied to {(settings.PostgresConnection is { } postgres ? PostgresUrl.Describe(postgres) : settings.DatabasePath)}");
        return 0;
    }

    // The seed's rule: without ExifTool or ffprobe the service cannot read uploads, so it does not start.
    var missingTools = MediaTools.Missing(new MediaToolOptions(), Environment.GetEnvironmentVariable("PATH"));
    if (missingTools.Count > 0)
    {
        foreach (var problem in missingTools) Console.Error.WriteLine($"store: {problem}");
        return 3;
    }

    var app = StoreApp.Build(settings, [$"http://{settings.Host}:{settings.Port}"]);
    await app.RunAsync();
    return 0;
}
catch (SettingsException e)
{
    Console.Error.WriteLine($"store: {e.Message}");
    return 2;
}
catch (UsageException e)
{
    Console.Error.WriteLine($"store: {e.Message}");
    return 2;
}
catch (IOException e)
{
    // Start-up failures outside our control (port in use, data folder not writable): one line, no stack trace.
    Console.Error.WriteLine($"store: cannot start: {e.Message}");
    return 1;
}
