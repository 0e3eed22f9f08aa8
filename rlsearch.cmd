@echo off
rem rlsearch.cmd <command> [options]: runs target\rlsearch.jar on Windows with the JVM options and
rem environment the ./rlsearch launcher sets (docs/platforms.md). Build the jar first:
rem   mvn -q -B -DskipTests package
rem It does not rebuild the jar, and it does not filter the JVM's incubator notice or PyTorch's
rem deprecation warning from stderr. JVM options can be added with RLSEARCH_JAVA_OPTS, plug-in jars
rem with RLSEARCH_CLASSPATH (separated by ';').
setlocal
set "jar=%~dp0target\rlsearch.jar"
if not exist "%jar%" (
  echo rlsearch: target\rlsearch.jar is missing; build it with: mvn -q -B -DskipTests package 1>&2
  exit /b 1
)
rem PyTorch's OpenMP and MKL thread counts: one per calling thread, so that runs repeat exactly.
if not defined OMP_NUM_THREADS set "OMP_NUM_THREADS=1"
if not defined MKL_NUM_THREADS set "MKL_NUM_THREADS=1"
if not defined MKL_DYNAMIC set "MKL_DYNAMIC=FALSE"
set "modules=--add-modules jdk.incubator.vector"
if "%RLSEARCH_SIMD%"=="0" set "modules="
rem The serial collector for batch commands; the services (serve, swap-test, node, bench http) keep G1.
set "command="
set "sub="
call :scan %*
set "gc=-XX:+UseSerialGC"
if /i "%command%"=="serve" set "gc="
if /i "%command%"=="swap-test" set "gc="
if /i "%command%"=="node" set "gc="
if /i "%command%"=="bench" if /i "%sub%"=="http" set "gc="
if defined RLSEARCH_JAVA_OPTS (
  echo %RLSEARCH_JAVA_OPTS% | findstr /c:"-XX:+Use" | findstr /c:"GC" >nul && set "gc="
)
set "cp=%jar%"
if defined RLSEARCH_CLASSPATH set "cp=%jar%;%RLSEARCH_CLASSPATH%"
java %modules% -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1 %gc% %RLSEARCH_JAVA_OPTS% -cp "%cp%" io.rlsearch.app.Main %*
exit /b %ERRORLEVEL%

:scan
if "%~1"=="" goto :eof
set "arg=%~1"
if not "%arg:~0,1%"=="-" (
  if not defined command (
    set "command=%arg%"
  ) else if not defined sub (
    set "sub=%arg%"
  )
)
shift
goto scan
