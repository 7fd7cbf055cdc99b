using System.Diagnostics;
using Store.Media;

// Usage: DecodeHash <folder> [parallelism]. Runs the upload's pixel work over every .jpg in the folder with
// as many files at a time as the machine has cores: first decode + hash alone (the limit of an ingest rate),
// then decode + hash + the small preview, as an upload does it now.
var files = Directory.GetFiles(args[0], "*.jpg").Order().ToArray();
var parallelism = args.Length > 1 ? int.Parse(args[1]) : Environment.ProcessorCount;

// Images per second, and CPU milliseconds per image (which a busy machine disturbs far less than the rate).
(double Rate, double CpuMs) Measure(Action<string> work)
{
    work(files[0]); // JIT and first-touch costs outside the timing
    var process = Process.GetCurrentProcess();
    var cpu = process.TotalProcessorTime;
    var clock = Stopwatch.StartNew();
    Parallel.ForEach(files, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, work);
    var elapsed = clock.Elapsed;
    process.Refresh();
    return (files.Length / elapsed.TotalSeconds, (process.TotalProcessorTime - cpu).TotalMilliseconds / files.Length);
}

var bare = Measure(path => PixelHash.Compute(path, "image/jpeg", PixelHash.MaxDecodedBytes, CancellationToken.None));
var withPreview = Measure(path => PixelHash.Compute(path, "image/jpeg", PixelHash.MaxDecodedBytes, CancellationToken.None,
    image => PreviewImages.Make(image, large: false)));
var large = Measure(path =>
{
    using var image = PixelHash.Load(path, "image/jpeg", PixelHash.MaxDecodedBytes);
    PreviewImages.Make(image, large: true);
});
Console.WriteLine($"decode+hash: {bare.Rate:0.0} {bare.CpuMs:0.0}");
Console.WriteLine($"decode+hash+preview: {withPreview.Rate:0.0} {withPreview.CpuMs:0.0}");
Console.WriteLine($"decode+both-previews: {large.Rate:0.0} {large.CpuMs:0.0}");

// The small preview alone, from pictures decoded beforehand (one thread, three rounds, the best): what the preview
// adds to an upload's CPU, without the decode's own noise around it.
var decoded = files.Take(40).Select(path => PixelHash.Load(path, "image/jpeg", PixelHash.MaxDecodedBytes)).ToArray();
var best = double.MaxValue;
for (var round = 0; round < 3; round++)
{
    var before = Process.GetCurrentProcess().TotalProcessorTime;
    foreach (var image in decoded) PreviewImages.Make(image, large: false);
    best = Math.Min(best, (Process.GetCurrentProcess().TotalProcessorTime - before).TotalMilliseconds / decoded.Length);
}
foreach (var image in decoded) image.Dispose();
Console.WriteLine($"preview-alone: {best:0.00}");
