using Store.Hosting;

namespace Store.Tests.Hosting;

public sealed class CliTests
{
    static StoreSettings Base => StoreSettings.FromEnvironment(n => n == "CL_SERVER_DIR" ? "/tmp/store-cli" : null);

    [Fact]
    public void No_arguments_serves_with_the_environment_unchanged()
    {
        var cli = Cli.Parse([]);
        Assert.Equal("serve", cli.Command);
        Assert.Equal(Base, cli.Apply(Base));
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public void Help_wins_over_everything_else(string flag)
    {
        Assert.Equal("help", Cli.Parse(["--port", "9000", flag]).Command);
        Assert.Equal("help", Cli.Parse(["migrate", flag]).Command);
    }

    [Fact]
    public void Migrate_is_a_command()
    {
        Assert.Equal("migrate", Cli.Parse(["migrate"]).Command);
    }

    [Fact]
    public void Host_and_port_override_the_environment_in_both_spellings()
    {
        var settings = Cli.Parse(["--host", "127.0.0.1", "--port", "9001"]).Apply(Base with { Host = "0.0.0.0", Port = 8001 });
        Assert.Equal(("127.0.0.1", 9001), (settings.Host, settings.Port));
        var equals = Cli.Parse(["--host=::1", "--port=9002"]).Apply(Base);
        Assert.Equal(("::1", 9002), (equals.Host, equals.Port));
    }

    [Fact]
    public void No_auth_and_no_migrate_switch_on_and_never_off()
    {
        var on = Cli.Parse(["--no-auth", "--no-migrate"]).Apply(Base);
        Assert.True(on.AuthDisabled);
        Assert.True(on.NoMigrate);
        var fromEnv = Cli.Parse([]).Apply(Base with { AuthDisabled = true });
        Assert.True(fromEnv.AuthDisabled);
        Assert.False(fromEnv.NoMigrate);
    }

    [Fact]
    public void No_builtin_worker_turns_the_worker_off()
    {
        Assert.True(Cli.Parse([]).Apply(Base).BuiltinWorker);
        Assert.False(Cli.Parse(["--no-builtin-worker"]).Apply(Base).BuiltinWorker);
    }

    [Theory]
    [InlineData("--port", "0")]
    [InlineData("--port", "65536")]
    [InlineData("--port", "http")]
    [InlineData("--port=")]
    [InlineData("--port")]
    [InlineData("--host")]
    [InlineData("--unknown")]
    [InlineData("serve", "extra")]
    public void Bad_arguments_raise_a_settings_error(params string[] args)
    {
        var error = Assert.Throws<SettingsException>(() => Cli.Parse(args));
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }
}
