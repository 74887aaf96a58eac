#ifndef TINYSSD_CODEC_STATUS_H
#define TINYSSD_CODEC_STATUS_H

#include "CImageCodecs.h"

tinyssd_codec_status tinyssd_status(tinyssd_codec_result result, const char *message);

// Checks width * height against TINYSSD_CODEC_MAX_PIXELS without overflowing.
int tinyssd_pixel_count_allowed(unsigned long width, unsigned long height);

#endif
