using Store.Data;
using Store.Hosting;
using Store.Worker;

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
    }

    var settings = cli.Apply(StoreSettings.FromEnvironment(Environment.GetEnvironmentVariable));
    if (cli.Command == "migrate")
    {
        Migrator.Run(settings);
        Console.WriteLine($"Migrations applied to {settings.DatabasePath}");
        return 0;
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
