using System.Diagnostics;
using Spectre.Console;

namespace Store.Ops.Import;

/// <summary>Files and bytes done so far; shown as a bar on a terminal, as a line every few seconds otherwise.</summary>
public sealed class ImportProgress(int totalFiles, long totalBytes)
{
    readonly Stopwatch _clock = Stopwatch.StartNew();
    int _files;
    long _bytes;

    public int Files => Volatile.Read(ref _files);
    public long Bytes => Interlocked.Read(ref _bytes);

    public void Done(ImportFile file)
    {
        Interlocked.Increment(ref _files);
        Interlocked.Add(ref _bytes, file.Size);
    }

    /// <summary>A terminal gets Spectre.Console's bar; a pipe or a log file gets plain lines.</summary>
    public static bool OnTerminal => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    public async Task ShowAsync(Task work, TextWriter output)
    {
        if (OnTerminal) await BarAsync(work);
        else await LinesAsync(work, output);
    }

    async Task BarAsync(Task work) => await AnsiConsole.Progress()
        .AutoClear(false)
        .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(),
            new TransferSpeedColumn(), new RemainingTimeColumn(), new SpinnerColumn())
        .StartAsync(async context =>
        {
            var bar = context.AddTask(Description(), maxValue: Math.Max(totalBytes, 1));
            while (!work.IsCompleted)
            {
                Update(bar);
                await Task.WhenAny(work, Task.Delay(200));
            }
            Update(bar);
        });

    void Update(ProgressTask bar)
    {
        bar.Description = Description();
        bar.Value = totalBytes == 0 ? (Files == totalFiles ? 1 : 0) : Bytes;
    }

    string Description() => $"{Files}/{totalFiles} files";

    async Task LinesAsync(Task work, TextWriter output)
    {
        while (!work.IsCompleted)
        {
            await Task.WhenAny(work, Task.Delay(TimeSpan.FromSeconds(2)));
            if (!work.IsCompleted) output.WriteLine(Line());
        }
    }

    /// <summary>"import: 120/500 files, 30.1 MiB of 120.0 MiB, 5.2 MiB/s, about 0:00:17 left".</summary>
    public string Line()
    {
        var seconds = Math.Max(_clock.Elapsed.TotalSeconds, 0.001);
        var rate = Bytes / seconds;
        var left = rate > 0 ? TimeSpan.FromSeconds((totalBytes - Bytes) / rate) : (TimeSpan?)null;
        return $"import: {Files}/{totalFiles} files, {StoredFiles.Bytes(Bytes)} of {StoredFiles.Bytes(totalBytes)}, "
            + $"{StoredFiles.Bytes((long)rate)}/s{(left is { } l ? $", about {l:h\\:mm\\:ss} left" : "")}";
    }

    public TimeSpan Elapsed => _clock.Elapsed;
}
