using System.Text.Json.Nodes;
using SixLabors.ImageSharp.Advanced;
using Store.Imaging;

namespace Store.Worker.Tasks;

/// <summary>
/// image_thumbnail: params <c>size</c> (longest side, 16-4096, default 256), <c>format</c> (default jpeg) and
/// <c>quality</c> (default 85); <c>width</c> and <c>height</c> (what the CL SDK's media_thumbnail sends) bound the box
/// instead, each defaulting to size. Smaller images are not enlarged. Each input becomes <c>&lt;name&gt;_thumb.&lt;ext&gt;</c>.
/// </summary>
public sealed class ImageThumbnailTask : IComputeTask
{
    public const int DefaultSize = 256;

    public string Name => "image_thumbnail";

    public async Task<JsonObject> RunAsync(TaskContext context, CancellationToken ct)
    {
        var size = TaskParams.Int(context.Params, "size", 16, 4096) ?? DefaultSize;
        var width = TaskParams.Int(context.Params, "width", 16, 4096) ?? size;
        var height = TaskParams.Int(context.Params, "height", 16, 4096) ?? size;
        var quality = TaskParams.Int(context.Params, "quality", 1, 100) ?? 85;
        var target = ImageFiles.Encoder(TaskParams.String(context.Params, "format") ?? "jpeg", quality);

        var files = new JsonArray();
        for (var i = 0; i < context.Inputs.Count; i++)
        {
            var input = context.Inputs[i];
            var (image, _) = await ImageFiles.LoadAsync(input, ct);
            using (image)
            // The entity previews' resize (Imaging/Thumbnail): fit the box, never enlarge.
            using (var thumbnail = Thumbnail.ShrunkCopy(image, width, height, image.GetConfiguration()))
                files.Add(await ImageFiles.SaveAsync(thumbnail, input, context.OutputDir, "_thumb", target, ct));
            await context.FileDoneAsync(i + 1);
        }
        return new JsonObject { ["files"] = files };
    }
}
