/* The hardware floor of the base-score noise words: numpy PCG64 (128-bit LCG, XSL-RR) on four
   interleaved lanes, 10,000 words. gcc -O2 pcg64.c -o pcg64 && ./pcg64 */
#include <stdio.h>
#include <stdint.h>
#include <time.h>
typedef unsigned __int128 u128;
static double now(){struct timespec t; clock_gettime(CLOCK_MONOTONIC,&t); return t.tv_sec+t.tv_nsec*1e-9;}
int main(){ u128 M=((u128)0x2360ED051FC65DA4ULL<<64)|0x4385DF649FCCF645ULL; u128 inc=((u128)12345<<64)|6789; 
 u128 M2=M*M, A4=M2*M2, B4=inc*(1+M+M2+M2*M);
 u128 s0=1,s1=2,s2=3,s3=4; static uint64_t out[10000]; double best=1;
 for(int r=0;r<2000;r++){ double t=now();
  for(int i=0;i<10000;i+=4){ 
   #define O(s) ({uint64_t hi=(uint64_t)(s>>64), lo=(uint64_t)s; uint64_t x=hi^lo; unsigned rot=hi>>58; (x>>rot)|(x<<((-rot)&63));})
   out[i]=O(s0); out[i+1]=O(s1); out[i+2]=O(s2); out[i+3]=O(s3);
   s0=s0*A4+B4; s1=s1*A4+B4; s2=s2*A4+B4; s3=s3*A4+B4; }
  t=now()-t; if(t<best)best=t; }
 printf("C pcg64 4-lane fill 10k: %.1f us (%llu)\n", best*1e6, (unsigned long long)out[77]);
}
