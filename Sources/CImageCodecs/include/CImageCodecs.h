#ifndef TINYSSD_CIMAGECODECS_H
#define TINYSSD_CIMAGECODECS_H

// JPEG and PNG through libjpeg(-turbo) and libpng. libjpeg and libpng report errors with
// setjmp/longjmp, which Swift cannot use, so these wrappers turn every error (and every libjpeg
// warning) into a status with the library's message.

#include <stddef.h>

typedef enum {
    TINYSSD_CODEC_OK = 0,
    TINYSSD_CODEC_CORRUPT = 1,      // the library rejected the data; message says why
    TINYSSD_CODEC_TOO_LARGE = 2,    // more pixels than TINYSSD_CODEC_MAX_PIXELS
    TINYSSD_CODEC_NO_MEMORY = 3,
} tinyssd_codec_result;

// A bound on width * height, so a forged header cannot make us allocate gigabytes.
#define TINYSSD_CODEC_MAX_PIXELS (1L << 27)

typedef struct {
    tinyssd_codec_result result;
    char message[200];
} tinyssd_codec_status;

// Bytes owned by C: decoded RGB pixels (width * height * 3) or an encoded file.
// Release with tinyssd_codec_free.
typedef struct {
    unsigned char *bytes;
    unsigned long count;
    int width;
    int height;
} tinyssd_codec_buffer;

// Decodes to interleaved 8-bit RGB as OpenCV's imread(IMREAD_COLOR) does before its BGR order:
// grey is replicated, CMYK/YCCK uses OpenCV's inverted-CMYK formula. No EXIF orientation.
tinyssd_codec_status tinyssd_decode_jpeg(const unsigned char *data, size_t size, tinyssd_codec_buffer *out);

// Decodes to interleaved 8-bit RGB as OpenCV does: palette and low bit depths expanded, alpha
// dropped without blending, 16-bit samples keep their high byte, gamma ignored.
tinyssd_codec_status tinyssd_decode_png(const unsigned char *data, size_t size, tinyssd_codec_buffer *out);

// Baseline JPEG of 8-bit RGB pixels, quality 1-100, libjpeg's default 4:2:0 sampling.
tinyssd_codec_status tinyssd_encode_jpeg(const unsigned char *rgb, int width, int height, int quality,
                                         tinyssd_codec_buffer *out);

// 8-bit RGB PNG, not interlaced, zlib's default compression.
tinyssd_codec_status tinyssd_encode_png(const unsigned char *rgb, int width, int height, tinyssd_codec_buffer *out);

void tinyssd_codec_free(tinyssd_codec_buffer *buffer);

#endif
