using Store.Hosting;

namespace Store.Tests.Hosting;

public sealed class StoreSettingsTests
{
    const string Dir = "/srv/store";

    static StoreSettings From(params (string Name, string Value)[] env)
    {
        var values = env.ToDictionary(e => e.Name, e => e.Value);
        values.TryAdd("CL_SERVER_DIR", Dir);
        return StoreSettings.FromEnvironment(n => values.GetValueOrDefault(n));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Cl_server_dir_is_required(string? value)
    {
        var error = Assert.Throws<SettingsException>(() => StoreSettings.FromEnvironment(n => n == "CL_SERVER_DIR" ? value : null));
        Assert.Contains("CL_SERVER_DIR", error.Message);
    }

    [Fact]
    public void Defaults_follow_the_seed()
    {
        var s = From();
        Assert.Equal(Dir, s.ServerDir);
        Assert.Equal(Path.Combine(Dir, "media_store.db"), s.DatabasePath);
        Assert.Equal(Path.Combine(Dir, "media"), s.MediaDir);
        Assert.Equal(Path.Combine(Dir, "public_key.pem"), s.PublicKeyPath);
        Assert.Equal(("0.0.0.0", 8001), (s.Host, s.Port));
        Assert.False(s.AuthDisabled);
        Assert.False(s.ReadAuthEnabled);
        Assert.False(s.NoMigrate);
        Assert.Equal(20L * 1024 * 1024 * 1024, s.MaxUploadBytes);
    }

    [Theory]
    [InlineData("/data/plain.db", "/data/plain.db")]
    [InlineData("sqlite:////data/abs.db", "/data/abs.db")]
    [InlineData("SQLITE:////data/upper.db", "/data/upper.db")]
    public void Database_url_is_a_path_or_a_sqlite_url(string url, string expected)
    {
        Assert.Equal(expected, From(("DATABASE_URL", url)).DatabasePath);
    }

    [Fact]
    public void Relative_sqlite_url_is_relative_to_the_working_folder()
    {
        Assert.Equal(Path.GetFullPath("rel/store.db"), From(("DATABASE_URL", "sqlite:///rel/store.db")).DatabasePath);
    }

    [Fact]
    public void Paths_and_listening_address_come_from_the_environment()
    {
        var s = From(("MEDIA_STORAGE_DIR", "/mnt/media"), ("PUBLIC_KEY_PATH", "/etc/key.pem"), ("HOST", "127.0.0.1"), ("PORT", "8123"));
        Assert.Equal("/mnt/media", s.MediaDir);
        Assert.Equal("/etc/key.pem", s.PublicKeyPath);
        Assert.Equal(("127.0.0.1", 8123), (s.Host, s.Port));
    }

    [Fact]
    public void Home_is_expanded()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        Assert.Equal(Path.Combine(home, "cl"), StoreSettings.FromEnvironment(n => n == "CL_SERVER_DIR" ? "~/cl" : null).ServerDir);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("TRUE", true)]
    [InlineData("1", true)]
    [InlineData("false", false)]
    [InlineData("0", false)]
    [InlineData("", false)]
    public void Auth_switches_read_booleans(string raw, bool expected)
    {
        var s = From(("AUTH_DISABLED", raw), ("READ_AUTH_ENABLED", raw));
        Assert.Equal((expected, expected), (s.AuthDisabled, s.ReadAuthEnabled));
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("", true)]
    [InlineData("false", false)]
    [InlineData("0", false)]
    [InlineData("true", true)]
    public void Upload_previews_are_on_unless_turned_off(string? raw, bool expected)
    {
        var s = raw is null ? From() : From(("UPLOAD_PREVIEWS", raw));
        Assert.Equal(expected, s.UploadPreviews);
        Assert.Equal(expected, s.Media.PreviewAtUpload);
    }

    [Theory]
    [InlineData("UPLOAD_PREVIEWS", "later")]
    [InlineData("AUTH_DISABLED", "sure")]
    [InlineData("PORT", "0")]
    [InlineData("PORT", "http")]
    [InlineData("MAX_UPLOAD_BYTES", "-5")]
    [InlineData("JOB_RETENTION_DAYS", "-1")]
    [InlineData("MQTT_PORT", "0")]
    [InlineData("MQTT_PORT", "mqtt")]
    [InlineData("MQTT_BROKER", "mqtt://localhost:1883")]
    [InlineData("MQTT_BROKER", "local host")]
    public void Bad_values_name_their_variable(string name, string value)
    {
        var error = Assert.Throws<SettingsException>(() => From((name, value)));
        Assert.Contains(name, error.Message);
    }

    [Fact]
    public void Upload_limit_is_configurable()
    {
        Assert.Equal(1234, From(("MAX_UPLOAD_BYTES", "1234")).MaxUploadBytes);
    }

    [Fact]
    public void Job_settings_have_the_contract_defaults_and_read_the_environment()
    {
        var defaults = From();
        Assert.Equal((30, 60, 3, 7), (defaults.WorkerTtlSeconds, defaults.JobLeaseSeconds, defaults.JobMaxRetries, defaults.JobRetentionDays));
        Assert.Empty(defaults.JobExternalRoots);
        Assert.Equal(Path.Combine(Dir, "jobs"), defaults.JobsDir);

        var s = From(("WORKER_TTL_SECONDS", "5"), ("JOB_LEASE_SECONDS", "9"), ("JOB_MAX_RETRIES", "0"), ("JOB_RETENTION_DAYS", "0"),
            ("JOB_EXTERNAL_ROOTS", "/mnt/a: /mnt/b"));
        Assert.Equal((5, 9, 0, 0), (s.WorkerTtlSeconds, s.JobLeaseSeconds, s.JobMaxRetries, s.JobRetentionDays));
        Assert.Equal(["/mnt/a", "/mnt/b"], s.JobExternalRoots);
    }

    [Fact]
    public void External_roots_split_on_the_path_separator_only()
    {
        var s = From(("JOB_EXTERNAL_ROOTS", $"/mnt/Photos, 2024{Path.PathSeparator}/mnt/a;b"));
        Assert.Equal(["/mnt/Photos, 2024", "/mnt/a;b"], s.JobExternalRoots);
    }

    [Fact]
    public void Mqtt_is_off_until_a_broker_is_named_and_its_port_defaults_to_1883()
    {
        var off = From();
        Assert.Null(off.MqttBroker);
        Assert.Equal(1883, off.MqttPort);
        Assert.Null(From(("MQTT_BROKER", "  ")).MqttBroker);

        var on = From(("MQTT_BROKER", " broker.lan "), ("MQTT_PORT", "1884"));
        Assert.Equal(("broker.lan", 1884), (on.MqttBroker, on.MqttPort));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("local")]
    [InlineData("LOCAL")]
    public void Media_store_is_the_folder_unless_s3_is_chosen(string? kind)
    {
        Assert.Null(From(("MEDIA_STORE", kind!), ("S3_BUCKET", "ignored")).S3);
    }

    [Fact]
    public void Media_store_s3_takes_its_bucket_keys_endpoint_and_region()
    {
        var s3 = From(("MEDIA_STORE", "s3"), ("S3_ENDPOINT", "http://minio:9000"), ("S3_BUCKET", "photos"),
            ("S3_ACCESS_KEY", "ak"), ("S3_SECRET_KEY", "very secret"), ("S3_REGION", "eu-central-1")).S3!;
        Assert.Equal(("http://minio:9000", "photos", "ak", "very secret", "eu-central-1"), (s3.Endpoint, s3.Bucket, s3.AccessKey, s3.SecretKey, s3.Region));
        Assert.Equal("s3://photos/store/2024/01/02/a.jpg", s3.Locate("store/2024/01/02/a.jpg"));
        // Settings are logged whole: the keys never show.
        Assert.DoesNotContain("very secret", From(("MEDIA_STORE", "s3"), ("S3_BUCKET", "b"), ("S3_ACCESS_KEY", "ak"), ("S3_SECRET_KEY", "very secret")).ToString());
        var aws = From(("MEDIA_STORE", "s3"), ("S3_BUCKET", "b"), ("S3_ACCESS_KEY", "ak"), ("S3_SECRET_KEY", "sk")).S3!;
        Assert.Equal((null, "us-east-1"), (aws.Endpoint, aws.Region));
    }

    [Theory]
    [InlineData("MEDIA_STORE", "ftp", "MEDIA_STORE must be local or s3")]
    [InlineData("S3_BUCKET", "", "S3_BUCKET")]
    [InlineData("S3_SECRET_KEY", "", "S3_SECRET_KEY")]
    [InlineData("S3_ENDPOINT", "minio:9000", "S3_ENDPOINT must be an http:// or https:// address")]
    public void Media_store_s3_names_what_is_missing_or_wrong(string name, string value, string expected)
    {
        var env = new Dictionary<string, string>
        {
            ["MEDIA_STORE"] = "s3", ["S3_BUCKET"] = "b", ["S3_ACCESS_KEY"] = "ak", ["S3_SECRET_KEY"] = "sk", [name] = value,
        };
        var error = Assert.Throws<SettingsException>(() => From([.. env.Select(e => (Name: e.Key, Value: e.Value))]));
        Assert.Contains(expected, error.Message);
    }
}
