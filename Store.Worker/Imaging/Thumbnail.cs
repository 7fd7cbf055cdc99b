using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Store.Imaging;

/// <summary>
/// The one resize path of the service: entity previews and the <c>image_thumbnail</c> job task both shrink
/// a picture so that its long edge is at most a given size, aspect kept, never enlarged.
/// </summary>
public static class Thumbnail
{
    /// <summary>The size fitting <paramref name="source"/> within a square of <paramref name="longEdge"/>; the source itself when it already fits.</summary>
    public static Size Fit(Size source, int longEdge) => Fit(source, longEdge, longEdge);

    /// <summary>The size fitting <paramref name="source"/> within a <paramref name="maxWidth"/> x <paramref name="maxHeight"/> box, aspect kept.</summary>
    public static Size Fit(Size source, int maxWidth, int maxHeight)
    {
        if (source.Width <= maxWidth && source.Height <= maxHeight) return source;
        var scale = Math.Min((double)maxWidth / source.Width, (double)maxHeight / source.Height);
        return new Size(Math.Max(1, (int)Math.Round(source.Width * scale)), Math.Max(1, (int)Math.Round(source.Height * scale)));
    }

    /// <summary>
    /// Adds the shrink to a processing pipeline (nothing when the picture already fits). Past a factor of 2 an
    /// area average (box) is as good as bicubic for a small picture and costs half: it is what keeps a preview
    /// made at upload cheap. Closer to the original size bicubic keeps edges crisp.
    /// </summary>
    public static IImageProcessingContext Shrink(this IImageProcessingContext context, int longEdge) => context.Shrink(longEdge, longEdge);

    /// <summary>The same within a box (the <c>image_thumbnail</c> task's width/height, what the CL SDK's media_thumbnail sends).</summary>
    public static IImageProcessingContext Shrink(this IImageProcessingContext context, int maxWidth, int maxHeight) =>
        context.ResizeTo(Fit(context.GetCurrentSize(), maxWidth, maxHeight));

    /// <summary>Resizes to exactly <paramref name="target"/> (nothing when it is the current size), with the sampler <see cref="Shrink(IImageProcessingContext, int)"/> explains.</summary>
    public static IImageProcessingContext ResizeTo(this IImageProcessingContext context, Size target)
    {
        var source = context.GetCurrentSize();
        if (target == source) return context;
        var factor = (double)Math.Max(source.Width, source.Height) / Math.Max(target.Width, target.Height);
        return context.Resize(target, factor > 2 ? KnownResamplers.Box : KnownResamplers.Bicubic, compand: false);
    }

    /// <summary>
    /// A new picture of <paramref name="source"/> shrunk to fit the box (a copy of the same size when it fits), then
    /// <paramref name="then"/> applied. A still 8-bit picture far larger than the box is first halved, 2x2 pixels averaged
    /// (<see cref="Halving"/>), as often as it stays at least 4 times the box: a 1920x1080 photo's 256 px preview then
    /// resizes from 960x540, a quarter of the pixels, and the halving reads each pixel once for a few integer additions.
    /// An average of averages is an area average, what the box resize does anyway.
    /// </summary>
    public static Image ShrunkCopy(Image source, int maxWidth, int maxHeight, Configuration configuration, Action<IImageProcessingContext>? then = null)
    {
        var target = Fit(source.Size(), maxWidth, maxHeight);
        Image? halved = null;
        try
        {
            if (source is Image<Rgba32> { Frames.Count: 1 } rgba)
            {
                var current = rgba;
                while (current.Width >= 4 * target.Width && current.Height >= 4 * target.Height)
                {
                    var next = Halving.Halve(current, configuration);
                    halved?.Dispose();
                    halved = current = next;
                }
                // The EXIF Orientation travels with the pixels: a preview is turned upright after the shrink.
                if (halved is not null) halved.Metadata.ExifProfile = source.Metadata.ExifProfile?.DeepClone();
            }
            return (halved ?? source).Clone(configuration, x =>
            {
                x.ResizeTo(target);
                then?.Invoke(x);
            });
        }
        finally
        {
            halved?.Dispose();
        }
    }
}
