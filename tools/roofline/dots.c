/* The hardware floor of the relevance pass: both 16-dim dot products of 10,000 products in AVX2
   double lanes, float32 tiles widened (the layout and operation order of the Vector API kernel).
   gcc -O2 -mavx2 dots.c -o dots && ./dots */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <immintrin.h>
#define N 10000
static double now(){struct timespec t; clock_gettime(CLOCK_MONOTONIC,&t); return t.tv_sec+t.tv_nsec*1e-9;}
int main(){ float p[16], th[16]; double *dq = aligned_alloc(64,N*8), *dt=aligned_alloc(64,N*8);
 float *et = aligned_alloc(64,N*16*4); double *etd = aligned_alloc(64,N*16*8); for(int i=0;i<N*16;i++){ et[i]=(float)rand()/RAND_MAX-0.5f; etd[i]=et[i];}
 for(int d=0;d<16;d++){p[d]=d*0.1f; th[d]=0.3f-d*0.02f;}
 __m256d P[16], T[16]; for(int d=0;d<16;d++){P[d]=_mm256_set1_pd(p[d]); T[d]=_mm256_set1_pd(th[d]);}
 double best=1e9, bestd=1e9;
 for(int r=0;r<300;r++){ double t0=now();
  for(int t=0;t<N/4;t++){ const float* o=et+t*64; __m256d a0,a1,a2,a3,b0,b1,b2,b3;
    #define STEP(d, A, B, FIRST) { __m256d e=_mm256_cvtps_pd(_mm_load_ps(o+4*d)); if(FIRST){A=_mm256_mul_pd(P[d],e); B=_mm256_mul_pd(T[d],e);} else {A=_mm256_add_pd(A,_mm256_mul_pd(P[d],e)); B=_mm256_add_pd(B,_mm256_mul_pd(T[d],e));} }
    STEP(0,a0,b0,1) STEP(1,a1,b1,1) STEP(2,a2,b2,1) STEP(3,a3,b3,1)
    STEP(4,a0,b0,0) STEP(5,a1,b1,0) STEP(6,a2,b2,0) STEP(7,a3,b3,0)
    STEP(8,a0,b0,0) STEP(9,a1,b1,0) STEP(10,a2,b2,0) STEP(11,a3,b3,0)
    STEP(12,a0,b0,0) STEP(13,a1,b1,0) STEP(14,a2,b2,0) STEP(15,a3,b3,0)
    _mm256_store_pd(dq+4*t, _mm256_add_pd(_mm256_add_pd(a0,a1),_mm256_add_pd(a2,a3)));
    _mm256_store_pd(dt+4*t, _mm256_add_pd(_mm256_add_pd(b0,b1),_mm256_add_pd(b2,b3))); }
  double t1=now(); if(t1-t0<best)best=t1-t0;
  for(int t=0;t<N/4;t++){ const double* o=etd+t*64; __m256d a0,a1,a2,a3,b0,b1,b2,b3;
    #define STEPD(d, A, B, FIRST) { __m256d e=_mm256_load_pd(o+4*d); if(FIRST){A=_mm256_mul_pd(P[d],e); B=_mm256_mul_pd(T[d],e);} else {A=_mm256_add_pd(A,_mm256_mul_pd(P[d],e)); B=_mm256_add_pd(B,_mm256_mul_pd(T[d],e));} }
    STEPD(0,a0,b0,1) STEPD(1,a1,b1,1) STEPD(2,a2,b2,1) STEPD(3,a3,b3,1)
    STEPD(4,a0,b0,0) STEPD(5,a1,b1,0) STEPD(6,a2,b2,0) STEPD(7,a3,b3,0)
    STEPD(8,a0,b0,0) STEPD(9,a1,b1,0) STEPD(10,a2,b2,0) STEPD(11,a3,b3,0)
    STEPD(12,a0,b0,0) STEPD(13,a1,b1,0) STEPD(14,a2,b2,0) STEPD(15,a3,b3,0)
    _mm256_store_pd(dq+4*t, _mm256_add_pd(_mm256_add_pd(a0,a1),_mm256_add_pd(a2,a3)));
    _mm256_store_pd(dt+4*t, _mm256_add_pd(_mm256_add_pd(b0,b1),_mm256_add_pd(b2,b3))); }
  double t2=now(); if(t2-t1<bestd)bestd=t2-t1; }
 printf("AVX2 tiled both dots: float storage %.1f us, double storage %.1f us (%f)\n", best*1e6, bestd*1e6, dq[5]+dt[7]);
}
