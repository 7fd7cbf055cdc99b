using System.Text.Json.Nodes;
using SixLabors.ImageSharp.Processing;

namespace Store.Worker.Tasks;

/// <summary>
/// image_resize: params <c>width</c> and/or <c>height</c> (1-20000) bound the new size; the aspect ratio is
/// kept, so the image fits inside the box. The output keeps the input's format (params.quality for jpeg/webp).
/// </summary>
public sealed class ImageResizeTask : IComputeTask
{
    public string Name => "image_resize";

    public async Task<JsonObject> RunAsync(TaskContext context, CancellationToken ct)
    {
        var width = TaskParams.Int(context.Params, "width", 1, 20000);
        var height = TaskParams.Int(context.Params, "height", 1, 20000);
        if (width is null && height is null) throw new TaskFailedException("params.width or params.height is required");
        var quality = TaskParams.Int(context.Params, "quality", 1, 100) ?? ImageFiles.DefaultQuality;

        var files = new JsonArray();
        for (var i = 0; i < context.Inputs.Count; i++)
        {
            var input = context.Inputs[i];
            var (image, format) = await ImageFiles.LoadAsync(input, ct);
            using (image)
            {
                var size = ImageFiles.Fit(new SixLabors.ImageSharp.Size(image.Width, image.Height), width, height);
                image.Mutate(x => x.Resize(size));
                files.Add(await ImageFiles.SaveAsync(image, input, context.OutputDir, "", ImageFiles.SameFormat(format, quality), ct));
            }
            await context.FileDoneAsync(i + 1);
        }
        return new JsonObject { ["files"] = files };
    }
}
